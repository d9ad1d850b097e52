#!/usr/bin/env node
/**
 * `backprop-tuning worker --url postgres://… [--study NAME] [--trial-module PATH] [--id NAME]
 * [--poll-ms N] [--exit-when-idle SECONDS] [--quiet]`: runs trials of distributed searches until
 * stopped (Ctrl-C / SIGTERM give the running trial back to the queue). The URL may also come from
 * BACKPROP_TUNING_URL.
 */
import { pathToFileURL } from 'node:url';
import { runWorker } from './distributed.js';

const usage = `usage: backprop-tuning worker --url postgres://user@host:5432/db [--study NAME]
       [--trial-module PATH] [--id NAME] [--poll-ms N] [--exit-when-idle SECONDS] [--quiet]`;

const [command, ...rest] = process.argv.slice(2);
const flags = new Map<string, string | true>();
for (let i = 0; i < rest.length; i++) {
  const a = rest[i];
  if (!a.startsWith('--')) {
    console.error(`backprop-tuning: unexpected argument ${a}\n${usage}`);
    process.exit(2);
  }
  const next = rest[i + 1];
  if (next === undefined || next.startsWith('--')) flags.set(a.slice(2), true);
  else flags.set(a.slice(2), rest[++i]);
}
const str = (k: string) => (typeof flags.get(k) === 'string' ? (flags.get(k) as string) : undefined);
const num = (k: string) => (str(k) === undefined ? undefined : Number(str(k)));

if (command !== 'worker' || flags.has('help')) {
  console.error(usage);
  process.exit(command === 'worker' || command === '--help' ? 0 : 2);
}
const url = str('url') ?? process.env.BACKPROP_TUNING_URL;
if (!url) {
  console.error(`backprop-tuning: --url (or BACKPROP_TUNING_URL) is required\n${usage}`);
  process.exit(2);
}
const trialModule = str('trial-module');
const controller = new AbortController();
for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => controller.abort(s));
const idle = num('exit-when-idle');
const { trials } = await runWorker({
  url,
  study: str('study'),
  id: str('id'),
  trialModule: trialModule && !/^[a-z]+:/i.test(trialModule) ? pathToFileURL(trialModule).href : trialModule,
  pollMs: num('poll-ms'),
  exitWhenIdleMs: idle === undefined ? undefined : idle * 1000,
  signal: controller.signal,
  verbose: !flags.has('quiet'),
});
if (!flags.has('quiet')) console.log(`backprop-tuning worker: ${trials} trial(s) done`);
