// Every optimizer, option set, clipping, group and schedule against PyTorch trajectories (test/golden, scripts/golden.py).

import { cpu } from '@backprop/backend-cpu';
import { dispose, setBackend, tidy } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { reduceOnPlateau, scheduler, useFusedUpdates } from '../src/index.js';
import { lossOf, makeOptimizer, makeParams, makeSchedule, readGolden, valueAndGrad } from './problems.js';

const RTOL = 1e-5;
const ATOL = 1e-6;

beforeAll(async () => {
  await setBackend(cpu());
});

// The Adam family again with the fused kernel off: the composed update whose bias corrections
// come from the step tensor (what a compiled step runs) must match PyTorch as closely.
const variants = [
  { fused: true, suffix: '', only: () => true },
  { fused: false, suffix: ' (composed, step tensor)', only: (o: string) => o === 'Adam' || o === 'AdamW' },
];

for (const problem of ['rosenbrock', 'mlp']) {
  const golden = readGolden(problem);
  for (const { fused, suffix, only } of variants)
    describe(`golden ${problem} (PyTorch ${golden.torch}, float32)${suffix}`, () => {
      for (const c of golden.cases.filter((k) => only(k.optimizer))) {
        const label = `${c.id} ${c.optimizer} ${JSON.stringify(c.options)}${c.schedule ? ` ${c.schedule.type}` : ''}${c.groups ? ' groups' : ''}${c.clipGradNorm ? ' clipNorm' : ''}${c.clipGradValue ? ' clipValue' : ''}`;
        it(label, async () => {
          const was = useFusedUpdates(fused);
          const params = makeParams(golden);
          const names = [...params.keys()];
          const list = [...params.values()];
          const opt = makeOptimizer(c, params, golden.torch);
          const plateau =
            c.schedule?.type === 'ReduceLROnPlateau'
              ? reduceOnPlateau(opt, {
                  factor: c.schedule.factor as number,
                  patience: c.schedule.patience as number,
                  threshold: c.schedule.threshold as number,
                  cooldown: c.schedule.cooldown as number,
                })
              : undefined;
          const sched = c.schedule && !plateau ? scheduler(opt, makeSchedule(c.schedule), { per: 'step' }) : undefined;
          const f = lossOf(problem, golden, names);
          let worst = 0;
          for (let step = 1; step <= golden.steps; step++) {
            expect(opt.lr).toBeCloseTo(c.lrs[step - 1], 12);
            const { value, grads } = tidy(() => valueAndGrad(f)(...list.map((p) => p.value)));
            const loss = (await value.data())[0];
            opt.step(list, grads);
            dispose([value, grads]);
            plateau?.step(loss);
            sched?.step();
            const expected = c.trajectory[String(step)];
            if (!expected) continue;
            for (const n of names) {
              const got = params.get(n)?.value.dataSync() as Float32Array;
              expected[n].forEach((e, i) => {
                const err = Math.abs(got[i] - e);
                worst = Math.max(worst, err / (RTOL * Math.abs(e) + ATOL));
                if (err > RTOL * Math.abs(e) + ATOL)
                  throw new Error(`${c.id} step ${step} ${n}[${i}]: got ${got[i]}, PyTorch ${e}`);
              });
            }
          }
          expect(worst).toBeLessThanOrEqual(1);
          useFusedUpdates(was);
          opt.dispose();
          for (const p of list) p.dispose();
        });
      }
    });
}
