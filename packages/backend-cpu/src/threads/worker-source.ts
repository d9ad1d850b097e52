/** The source of a kernel worker, as text so that it needs no file of its own in Node or browsers. */
import {
  CLAIM_OPEN,
  CLAIM_WORKER,
  CLOCK_EVERY,
  claimOf,
  DONE,
  EXIT,
  GENERATION,
  JOB_FUNCTIONS,
  pollWhile,
  READY,
  SLOT,
  SPIN_US,
  slotOf,
} from './control.js';

/** A job's arguments read one by one from its slot (no array made per job; the export ignores those it does not take). */
const JOB_ARGUMENTS = Array.from({ length: SLOT - 1 }, (_, i) => `ctl[slot + ${i + 1}]`).join(', ');

/**
 * The body every worker runs once it has `init = { module, memory, control, id }`: instantiate the
 * module on the shared memory, report ready, then wait until the generation changes (polling for
 * the control block's SPIN_US microseconds with `pollWhile`, whose text it includes, then
 * blocking in Atomics.wait), take its slot's job
 * unless the calling thread already did (its claim word), run it, count itself done, and wait again.
 * The job is read only after the claim succeeds: a worker that woke late may find the next round's.
 */
// Bound to a name of its own: a minifier may rename the function itself.
const body = `
const pollWhile = ${pollWhile};

function start(init) {
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const fns = ${JSON.stringify(JOB_FUNCTIONS)}.map((name) => exports[name]);
  const ctl = new Int32Array(init.control);
  const slot = ${slotOf(0)} + init.id * ${SLOT};
  const claim = ${claimOf(0)} + init.id;
  let generation = Atomics.load(ctl, ${GENERATION});
  Atomics.add(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  for (;;) {
    pollWhile(() => Atomics.load(ctl, ${GENERATION}) === generation, Atomics.load(ctl, ${SPIN_US}) / 1000, ${CLOCK_EVERY});
    Atomics.wait(ctl, ${GENERATION}, generation);
    generation = Atomics.load(ctl, ${GENERATION});
    if (Atomics.load(ctl, ${EXIT}) !== 0) return;
    if (ctl[slot] <= 0 || Atomics.compareExchange(ctl, claim, ${CLAIM_OPEN}, ${CLAIM_WORKER}) !== ${CLAIM_OPEN}) continue;
    const fn = ctl[slot];
    try {
      fns[fn - 1](${JOB_ARGUMENTS});
      ctl[slot] = 0;
    } catch {
      ctl[slot] = -1;
    }
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
}
`;

/** A Node worker_threads script (CommonJS, run with `eval: true`, started from workerData). */
export const NODE_WORKER_SOURCE = `${body}\nstart(require('node:worker_threads').workerData);\n`;

/** A browser Web Worker script, started by its first message. */
export const BROWSER_WORKER_SOURCE = `${body}\nself.onmessage = (event) => { self.onmessage = null; start(event.data); };\n`;
