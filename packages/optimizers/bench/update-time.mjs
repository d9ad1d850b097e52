// `pnpm bench` for this package: ms per optimizer update on a 10M-parameter model (backend-cpu), after `pnpm build`.

import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { benchmarkUpdates } from '../dist/index.js';

await setBackend(cpu());
const params = Number(process.argv[2] ?? 10_000_000);
console.log(`optimizer update time, ${params.toLocaleString('en')} parameters, backend-cpu, Node ${process.version}`);
for (const { optimizer, msPerStep } of await benchmarkUpdates({ params, steps: 3 }))
  console.log(`${optimizer.padEnd(24)} ${msPerStep.toFixed(1).padStart(8)} ms/step`);
