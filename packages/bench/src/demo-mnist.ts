/** CLI entry of `npm run demo`: trains an MLP on MNIST with backend-cpu and prints the test accuracy. */
import { cpu } from '@backprop/backend-cpu';
import { setBackend } from '@backprop/core';
import { mnist } from '@backprop/datasets';
import { trainMnist } from './demo/train-mnist.js';

async function main(): Promise<void> {
  await setBackend(cpu());
  const { train, test } = await mnist.load({ trainSize: 8000, testSize: 2000 });
  console.log(`MNIST: ${train.xShape[0]} training and ${test.xShape[0]} test digits; MLP 784-512-10 on backend-cpu`);
  const result = await trainMnist({ train, test });
  console.log(`optimizer: ${result.optimizer}; ${result.seconds.toFixed(1)} s`);
  console.log(`test accuracy: ${(result.accuracy * 100).toFixed(1)}%`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
