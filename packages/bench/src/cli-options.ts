/** Command-line flags of `pnpm bench`: --quick, --rounds <n>, --only <system>, --json <path>, --optimizer sgd|adam, --lr <number>, --warmup <seconds>. */
import { ValueError } from '@backprop/core';

/** Parsed flags. */
export interface CliOptions {
  quick: boolean;
  /** Interleaved rounds per benchmark; undefined: 5, or 3 with `--quick`. */
  rounds?: number;
  /** System ids to run (all when empty). */
  only: string[];
  /** An extra path to write the JSON results to. */
  json?: string;
  /** Undefined: Adam. */
  optimizer?: 'sgd' | 'adam';
  /** Undefined: 0.01 for SGD, 1e-3 for Adam. */
  lr?: number;
  /** Seconds of the untimed warm-up round per system; undefined: 4, or 1.5 with `--quick`; 0: none. */
  warmupSeconds?: number;
  help: boolean;
}

/** The usage text. */
export const usage = `usage: pnpm bench [-- options]
  --quick                 fewer, shorter timed runs (3 rounds instead of 5)
  --rounds <n>            interleaved rounds per benchmark (default 5, --quick 3)
  --only <id>[,<id>...]   run only these systems: backprop-cpu, backprop-cpu-1t, backprop-onnx,
                          backprop-onnx-1t, backprop-onnx-eager, backprop-webgpu, tfjs-cpu,
                          tfjs-wasm, torch-cpu-1t, torch-cpu-2t
  --json <path>           also write the JSON results to <path>
  --optimizer sgd|adam    the optimizer of the MLP step (default adam)
  --lr <number>           its learning rate (default 0.01 for sgd, 0.001 for adam)
  --warmup <seconds>      how long each system trains, untimed, before the MLP step's rounds
                          (default 4, --quick 1.5; 0 times the first steps, JIT compilation and all)
  --no-relaxed-simd       do not re-run Node 20 with --experimental-wasm-relaxed-simd (backend-cpu's
                          fused multiply-adds; later Node and Chrome ship relaxed SIMD)`;

/** Parses `argv` (without node and the script). @throws ValueError on an unknown flag or a bad value. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = { quick: false, only: [], help: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new ValueError(`bench: ${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--') continue;
    if (flag === '--quick') options.quick = true;
    else if (flag === '--no-relaxed-simd')
      continue; // read by engine-flags.ts before the bench starts
    else if (flag === '--help' || flag === '-h') options.help = true;
    else if (flag === '--only') options.only.push(...value(i++, flag).split(',').filter(Boolean));
    else if (flag === '--json') options.json = value(i++, flag);
    else if (flag === '--rounds') {
      const v = Number(value(i++, flag));
      if (!(Number.isInteger(v) && v >= 1))
        throw new ValueError(`bench: --rounds must be an integer ≥ 1, got ${argv[i]}`);
      options.rounds = v;
    } else if (flag === '--optimizer') {
      const v = value(i++, flag);
      if (v !== 'sgd' && v !== 'adam') throw new ValueError(`bench: --optimizer must be sgd or adam, got ${v}`);
      options.optimizer = v;
    } else if (flag === '--lr') {
      const v = Number(value(i++, flag));
      if (!(v > 0)) throw new ValueError(`bench: --lr must be a positive number, got ${argv[i]}`);
      options.lr = v;
    } else if (flag === '--warmup') {
      const v = Number(value(i++, flag));
      if (!(Number.isFinite(v) && v >= 0))
        throw new ValueError(`bench: --warmup must be a number of seconds ≥ 0, got ${argv[i]}`);
      options.warmupSeconds = v;
    } else throw new ValueError(`bench: unknown flag ${flag}\n${usage}`);
  }
  return options;
}
