/** System: PyTorch on the CPU (2 threads), through the committed script python/mlp_step.py run by Debian's /usr/bin/python3. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MatmulMeasurement, MlpMeasurement, System, UpdatesMeasurement } from '../system.js';
import type { TimingOptions } from '../timing.js';
import type { MlpWorkload } from '../workload.js';

const run = promisify(execFile);
/** The interpreter that has torch here (the pyenv `python3` on PATH does not). */
export const PYTHON = '/usr/bin/python3';
const script = (name: string) => fileURLToPath(new URL(`../../python/${name}`, import.meta.url));
const SCRIPT = script('mlp_step.py');

async function python(args: (string | number)[], file = SCRIPT): Promise<Record<string, any>> {
  const { stdout } = await run(PYTHON, [file, ...args.map(String)], { maxBuffer: 1 << 24 });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const timingArgs = (t: TimingOptions) => [t.warmup, t.minSeconds, t.minRuns, t.maxRuns];

/** Writes the workload as raw little-endian files the Python script reads with numpy. */
async function writeWorkload(w: MlpWorkload): Promise<string> {
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

let info: Promise<Record<string, any>> | undefined;
const torchInfo = () => {
  info ??= python(['info']);
  return info;
};

/** PyTorch (CPU, `torch.set_num_threads(2)`), when `/usr/bin/python3 -c 'import torch'` works. */
export const torchCpu: System = {
  id: 'torch-cpu',
  label: 'PyTorch cpu (2 threads)',
  async unavailable() {
    try {
      await torchInfo();
      return undefined;
    } catch {
      return `skipped: ${PYTHON} cannot import torch`;
    }
  },
  async describe() {
    const { version, threads } = await torchInfo();
    return { version, threads, python: PYTHON };
  },
  async mlpStep(w, { optimizer, timing }): Promise<MlpMeasurement> {
    const dir = await writeWorkload(w);
    try {
      const out = await python(['mlp', dir, optimizer.name, optimizer.lr, ...timingArgs(timing)]);
      return {
        timing: out.timing,
        firstLoss: out.firstLoss,
        rssDeltaBytes: out.rssDeltaBytes,
        notes: [`torch.optim.${optimizer.name === 'adam' ? 'Adam' : 'SGD'}`],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  async matmul(n, { timing }): Promise<MatmulMeasurement> {
    const out = await python(['matmul', n, ...timingArgs(timing)]);
    return { timing: out.timing };
  },
  async optimizerUpdates({ params, steps }): Promise<UpdatesMeasurement> {
    const out = await python([params, steps], script('optimizer_updates.py'));
    return { msPerStep: out.msPerStep };
  },
};
