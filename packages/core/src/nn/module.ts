/** Module: a layer or model with named parameters, buffers, children and train / eval mode. */
import { brandOf, otherCopyHint } from '../copies.js';
import { keep } from '../engine.js';
import { formatShape, ShapeError, ValueError } from '../errors.js';
import type { Generator } from '../random/generator.js';
import { shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { boolean, checkOptionNames, formatValue, optionNames } from '../validate.js';
import { Parameter } from './parameter.js';
import { type ModelSummary, type SummaryOptions, summary } from './summary.js';

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Every name must exist on both sides (default true); false skips missing and unknown names. */
  strict?: boolean;
}
const LOAD_STATE_DICT_OPTIONS = optionNames<LoadStateDictOptions>({ strict: true });

/**
 * A state dict's entries as a Map, each value checked to be a live Tensor before anything is
 * loaded: a plain object works as a Map does (PyTorch's state dict is a dict), and a value that is
 * not a tensor, or was disposed, is an error naming its key rather than a model half loaded.
 */
function stateEntries(state: unknown): Map<string, Tensor> {
  let entries: [string, unknown][];
  if (state instanceof Map) entries = [...state];
  else if (state !== null && typeof state === 'object' && !Array.isArray(state) && !(state instanceof Tensor))
    entries = Object.entries(state);
  else
    throw new ValueError(
      `loadStateDict: expected a Map or an object of tensors by name (model.stateDict()), got ${formatValue(state)}`,
    );
  for (const [k, v] of entries) {
    if (!(v instanceof Tensor))
      throw new ValueError(`loadStateDict: ${k} must be a Tensor, got ${formatValue(v)}${otherCopyHint(v, 'Tensor')}`);
    v.assertLive(`loadStateDict (${k})`);
  }
  return new Map(entries as [string, Tensor][]);
}

/**
 * Base class of layers and models. Declare parameters with `parameter()`, state that is not
 * trained (running statistics) with `buffer()`, and sub-layers with `child()`; their order
 * is declaration order, which checkpoints, optimizers and ONNX export rely on.
 *
 * @example
 * ```ts
 * import { cpu } from '@backprop/backend-cpu';
 * import { add, Module, nn, setBackend, type Tensor } from '@backprop/core';
 *
 * class Residual extends Module {
 *   inner = this.child('inner', nn.dense(8, 8)); // declared, so its parameters are the model's
 *   forward(x: Tensor): Tensor { return add(x, this.inner.forward(x)); }
 * }
 * await setBackend(cpu());
 * console.log(new Residual().namedParameters().map(([name]) => name)); // ['inner.weight', 'inner.bias']
 * ```
 */
export abstract class Module {
  /** True in training mode (dropout active, batch statistics used). */
  training = true;
  readonly #params = new Map<string, Parameter>();
  readonly #buffers = new Map<string, Tensor>();
  readonly #children = new Map<string, Module>();
  readonly #generators = new Map<string, Generator>();

  /** Computes the output for a batch `x`. */
  abstract forward(x: Tensor): Tensor;

  /**
   * Throws unless `name` can name a new `op` (parameter, buffer, sub-module, generator) here: a
   * non-empty string without "." (a dot would make two paths the same, `a.b` + `c` and `a` +
   * `b.c`, and one of them would be lost in every checkpoint), not taken by a parameter, buffer
   * or sub-module of another kind, as in PyTorch.
   */
  #checkName(op: 'parameter' | 'buffer' | 'child' | 'generator', name: unknown): void {
    if (typeof name !== 'string' || name === '' || name.includes('.'))
      throw new ValueError(
        `Module.${op}: the name must be a non-empty string without ".", got ${formatValue(name)}; paths join names with dots, so a dot in a name can make two paths the same`,
      );
    if (op === 'generator') return;
    const kinds = { parameter: this.#params, buffer: this.#buffers, 'sub-module': this.#children };
    for (const [kind, declared] of Object.entries(kinds))
      if (kind !== (op === 'child' ? 'sub-module' : op) && declared.has(name))
        throw new ValueError(`Module.${op}: "${name}" already names a ${kind} of this module`);
  }

  /** Declares a parameter (its name: non-empty, without ".", not a buffer's or sub-module's). */
  protected parameter(name: string, value: Tensor): Parameter {
    this.#checkName('parameter', name);
    if (this.#params.has(name)) throw new ValueError(`Module.parameter: "${name}" is declared twice`);
    const p = new Parameter(name, value);
    this.#params.set(name, p);
    return p;
  }

  /** Declares (or replaces) a buffer: saved in the state dict, not trained (its name as a parameter's). */
  protected buffer(name: string, value: Tensor): Tensor {
    // A buffer replaced (BatchNorm's running statistics, every training step) was checked when declared.
    if (!this.#buffers.has(name)) this.#checkName('buffer', name);
    const old = this.#buffers.get(name);
    this.#buffers.set(name, keep(value));
    if (old && old !== value) old.dispose();
    return value;
  }

  /** Reads a buffer. */
  protected getBuffer(name: string): Tensor {
    const b = this.#buffers.get(name);
    if (!b) throw new ValueError(`Module.getBuffer: no buffer "${name}"`);
    return b;
  }

  /**
   * Declares a random generator the module owns (a seeded dropout layer's): training state that
   * checkpoints save and restore, so a resumed run draws the same masks.
   */
  protected generator(name: string, generator: Generator): Generator {
    this.#checkName('generator', name);
    if (this.#generators.has(name)) throw new ValueError(`Module.generator: "${name}" is declared twice`);
    this.#generators.set(name, generator);
    return generator;
  }

  /** Every generator with its dotted path (recursively; a shared module's once, at its first path). */
  namedGenerators(prefix = ''): [string, Generator][] {
    return this.#modules(prefix).flatMap(([path, m]) =>
      [...m.#generators].map(([n, g]): [string, Generator] => [path + n, g]),
    );
  }

  /** Declares (or replaces) a sub-module (its name as a parameter's). */
  protected child<M extends Module>(name: string, module: M): M {
    if (!this.#children.has(name)) this.#checkName('child', name);
    if (!(module instanceof Module))
      throw new ValueError(
        `Module.child: "${name}" must be a Module, got ${formatValue(module)}${otherCopyHint(module, 'Module')}`,
      );
    this.#children.set(name, module);
    return module;
  }

  /** Sub-modules in declaration order. */
  children(): [string, Module][] {
    return [...this.#children];
  }

  /**
   * This module and every module below it, each once (a module used in two places at its first
   * place), in declaration order, as PyTorch's `modules()`.
   */
  modules(): Module[] {
    return this.#modules('').map(([, m]) => m);
  }

  /**
   * This module and every module below it with its path prefix, in declaration order; a module
   * used in two places (shared weights: `sequential(d, act, d)`) is listed once, at its first
   * path, as PyTorch's `named_modules()` does. Its parameters are then trained, counted,
   * penalised and saved once, not twice.
   */
  #modules(prefix: string, seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [n, c] of this.#children) out.push(...c.#modules(`${prefix}${n}.`, seen));
    return out;
  }

  /** Every parameter with its dotted path, in declaration order (recursively; a shared module's once, at its first path). */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out = this.#modules(prefix).flatMap(([path, m]) =>
      [...m.#params].map(([n, p]): [string, Parameter] => [path + n, p]),
    );
    for (const [n, p] of out) p.name = n;
    return out;
  }

  /** Every parameter, in declaration order. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Every buffer with its dotted path (a shared module's once, at its first path). */
  namedBuffers(prefix = ''): [string, Tensor][] {
    return this.#modules(prefix).flatMap(([path, m]) =>
      [...m.#buffers].map(([n, b]): [string, Tensor] => [path + n, b]),
    );
  }

  /** Sets training mode on this module and its children. */
  train(on = true): this {
    this.training = on;
    for (const [, c] of this.#children) c.train(on);
    return this;
  }

  /** Sets evaluation mode. */
  eval(): this {
    return this.train(false);
  }

  /** Parameters and buffers by dotted path (the tensors themselves; do not dispose them). */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n, p] of this.namedParameters()) out.set(n, p.value);
    for (const [n, b] of this.namedBuffers()) out.set(n, b);
    return out;
  }

  /**
   * Copies values into parameters and buffers, cast to their dtypes (as PyTorch's `copy_`), from
   * a Map or an object of tensors by name. Every name must exist with the same shape (`strict`,
   * the default), and every value be a live tensor: anything else is an error before any value is
   * copied. An unknown option name, or a `strict` that is not `true` or `false`, is a ValueError.
   */
  loadStateDict(
    stateDict: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
    options: LoadStateDictOptions = {},
  ): void {
    checkOptionNames('loadStateDict', options, LOAD_STATE_DICT_OPTIONS);
    const strict = boolean('loadStateDict', 'strict', options.strict ?? true);
    const state = stateEntries(stateDict);
    const params = new Map(this.namedParameters());
    const bufferOwners = this.#bufferOwners();
    const missing = [...params.keys(), ...bufferOwners.keys()].filter((k) => !state.has(k));
    const unknown = [...state.keys()].filter((k) => !params.has(k) && !bufferOwners.has(k));
    if (strict && (missing.length > 0 || unknown.length > 0)) {
      throw new ValueError(`loadStateDict: missing [${missing.join(', ')}], unexpected [${unknown.join(', ')}]`);
    }
    for (const [k, v] of state) {
      const owner = bufferOwners.get(k);
      const target = params.get(k)?.value ?? (owner ? owner[0].#buffers.get(owner[1]) : undefined);
      if (target && !shapesEqual(target.shape, v.shape)) {
        throw new ShapeError(`loadStateDict: ${k} has shape ${formatShape(target.shape)}, got ${formatShape(v.shape)}`);
      }
    }
    for (const [k, v] of state) {
      const p = params.get(k);
      if (p) p.assign(v.cast(p.value.dtype).reshape(p.shape));
      const owner = bufferOwners.get(k);
      // Cast to the buffer's dtype, as a parameter is (PyTorch's copy_): an int32 tensor given for
      // running statistics would otherwise change the buffer's dtype.
      if (owner) {
        const current = owner[0].#buffers.get(owner[1]);
        owner[0].buffer(owner[1], current ? v.cast(current.dtype).reshape(v.shape) : v.reshape(v.shape));
      }
    }
  }

  #bufferOwners(): Map<string, [Module, string]> {
    const out = new Map<string, [Module, string]>();
    for (const [path, m] of this.#modules('')) for (const n of m.#buffers.keys()) out.set(path + n, [m, n]);
    return out;
  }

  /** Layers, shapes, parameter counts and the memory of a training step; see {@link summary}. */
  summary(options?: SummaryOptions): ModelSummary {
    return summary(this, options);
  }

  /** Frees every parameter and buffer (a shared module's twice, which is harmless: disposing is idempotent). */
  dispose(): void {
    for (const p of this.#params.values()) p.dispose();
    for (const b of this.#buffers.values()) b.dispose();
    for (const c of this.#children.values()) c.dispose();
  }
}

// The brand every copy of @backprop/core recognises (see copies.ts).
Object.defineProperty(Module.prototype, brandOf('Module'), { value: true });
