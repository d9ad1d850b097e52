/**
 * Systems: PyTorch on the CPU at 1 and 2 threads (`torch-cpu-1t`, `torch-cpu-2t`), through the
 * committed script python/mlp_step.py run by Debian's /usr/bin/python3. Each system keeps one
 * Python process alive for the whole run (`mlp_step.py <threads> serve`, one JSON command per
 * line), so starting Python, importing torch, reading the workload and building the model happen
 * once per system and never inside a timed part.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MatmulMeasurement, MlpMeasurement, System, UpdatesMeasurement } from '../system.js';
import type { TimingOptions } from '../timing.js';
import type { MlpWorkload } from '../workload.js';

/**
 * What the report says of the BLAS PyTorch's matmuls ran on: Debian's torch takes whichever
 * `libblas.so.3` the system's alternatives point to, and the reference BLAS (package libblas3)
 * runs a 1024³ matmul ~10× slower than OpenBLAS: PyTorch is not at its best on it.
 */
export function blasNote(blas: string): string {
  if (/openblas|mkl|blis/i.test(blas)) return `BLAS ${blas}`;
  return `BLAS ${blas} — not PyTorch at its best: install libopenblas0-pthread (Debian) and run again`;
}

/**
 * What the report says of PyTorch's allocator: python/allocator.py tunes glibc's malloc so freed
 * tensors stay in the process (with glibc's defaults, every step page-faults on memory it just
 * returned: the MLP step ran 2.5× slower here), as PyTorch's CPU tuning guide asks of jemalloc or tcmalloc.
 */
export function allocatorNote(allocator: unknown): string {
  if (typeof allocator === 'string' && allocator.startsWith('glibc mallopt')) return 'malloc tuned (allocator.py)';
  return `allocator ${String(allocator ?? 'unknown')} — not PyTorch at its best: freed memory goes back to the OS each step`;
}

/** The interpreter that has torch here (the pyenv `python3` on PATH does not). */
export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../python/mlp_step.py', import.meta.url));

/** One long-lived `mlp_step.py <threads> serve` process: commands are answered in order. */
export class PythonServer {
  private child?: ChildProcessWithoutNullStreams;
  private waiting: { resolve: (v: Record<string, any>) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';

  constructor(readonly threads: number) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const n = String(this.threads);
    // The OpenMP/MKL/OpenBLAS variables as well as torch.set_num_threads, so no pool starts wider
    // (OpenBLAS's own threads ignore torch.set_num_threads: without its variable, "1 thread" ran two).
    const env = { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n };
    const child = spawn(PYTHON, [SCRIPT, n, 'serve'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        const out = JSON.parse(line) as Record<string, any>;
        if (typeof out.error === 'string') w.reject(new Error(`python: ${out.error}`));
        else w.resolve(out);
      } catch {
        w.reject(new Error(`python: not JSON: ${line.slice(0, 200)}`));
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-2000);
    });
    const fail = (e: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
      this.child = undefined;
    };
    child.on('error', fail);
    child.on('exit', (code) =>
      fail(new Error(`${PYTHON} ${SCRIPT} exited (${code}): ${this.stderr.trim().split('\n').pop() ?? ''}`)),
    );
    return child;
  }

  /** Sends one command and resolves to its JSON answer (rejects on `{ error }` or the process's end). */
  call(command: Record<string, unknown>): Promise<Record<string, any>> {
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  }

  /** Ends the process (closing its stdin ends its command loop). */
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.end();
    const timer = setTimeout(() => child.kill(), 5000);
    await ended;
    clearTimeout(timer);
  }
}

const timingArgs = (t: TimingOptions) => [t.warmup, t.minSeconds, t.minRuns, t.maxRuns];

/** Writes the workload as raw little-endian files the Python script reads with numpy. */
export async function writeWorkload(w: MlpWorkload): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'backprop-bench-'));
  const meta = { sizes: w.sizes, batchSize: w.batchSize, batchCount: w.batches.length };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
  const bytes = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  await Promise.all([
    ...w.layers.flatMap((l, i) => [
      writeFile(join(dir, `w${i}.f32`), bytes(l.weight)),
      writeFile(join(dir, `b${i}.f32`), bytes(l.bias)),
    ]),
    ...w.batches.flatMap((b, k) => [
      writeFile(join(dir, `x${k}.f32`), bytes(b.x)),
      writeFile(join(dir, `y${k}.i32`), bytes(b.y)),
    ]),
  ]);
  return dir;
}

/** Workload directories, written once per workload and shared by both PyTorch systems; removed by `removeWorkloads`. */
const workloads = new Map<MlpWorkload, Promise<string>>();
const workloadDir = (w: MlpWorkload): Promise<string> => {
  let dir = workloads.get(w);
  if (!dir) {
    dir = writeWorkload(w);
    workloads.set(w, dir);
  }
  return dir;
};
async function removeWorkloads(): Promise<void> {
  const dirs = [...workloads.values()];
  workloads.clear();
  for (const d of dirs) await rm(await d, { recursive: true, force: true }).catch(() => {});
}

/** A PyTorch CPU system with `torch.set_num_threads(threads)` in its own long-lived Python process. */
export function torchSystem(threads: number): System {
  const server = new PythonServer(threads);
  let info: Promise<Record<string, any>> | undefined;
  const torchInfo = () => {
    info ??= server.call({ cmd: 'info' });
    return info;
  };
  return {
    id: `torch-cpu-${threads}t`,
    label: `PyTorch cpu, ${threads} thread${threads > 1 ? 's' : ''}`,
    threads,
    async unavailable() {
      try {
        await torchInfo();
        return undefined;
      } catch {
        info = undefined;
        return `skipped: ${PYTHON} cannot import torch`;
      }
    },
    async describe() {
      const { version, threads: t, blas, blasThreads, allocator } = await torchInfo();
      return { version, threads: t, python: PYTHON, blas, blasThreads, allocator };
    },
    async mlpStep(w, { optimizer, timing }): Promise<MlpMeasurement> {
      const dir = await workloadDir(w);
      const out = await server.call({
        cmd: 'mlp',
        dir,
        opt: optimizer.name,
        lr: optimizer.lr,
        timing: timingArgs(timing),
      });
      const { blas, allocator } = await torchInfo();
      return {
        timing: out.timing,
        firstLoss: out.firstLoss,
        rssDeltaBytes: out.rssDeltaBytes,
        notes: [`torch.optim.${optimizer.name === 'adam' ? 'Adam' : 'SGD'}`, blasNote(blas), allocatorNote(allocator)],
      };
    },
    async matmul(n, { timing }): Promise<MatmulMeasurement> {
      const out = await server.call({ cmd: 'matmul', n, timing: timingArgs(timing) });
      return { timing: out.timing };
    },
    async optimizerUpdates({ params, steps, warmupMs }): Promise<UpdatesMeasurement> {
      const out = await server.call({ cmd: 'updates', params, steps, warmupMs });
      const foreach = (out.foreach ?? {}) as Record<string, boolean>;
      const implementation = Object.fromEntries(
        Object.entries(foreach).map(([name, f]) => [name, f ? 'foreach' : 'per tensor']),
      );
      return { msPerStep: out.msPerStep, implementation };
    },
    async close() {
      await server.close();
      await removeWorkloads();
    },
  };
}

/** PyTorch with one thread: on a 2-vCPU machine usually its fastest setting (its OpenMP threads contend). */
export const torchCpu1t: System = torchSystem(1);
/** PyTorch with two threads. */
export const torchCpu2t: System = torchSystem(2);
