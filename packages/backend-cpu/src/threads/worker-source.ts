/** The source of a kernel worker, as text so that it needs no file of its own in Node or browsers. */
import {
  CLOCK_EVERY,
  EXIT,
  GENERATION,
  JOB_FUNCTIONS,
  JOB_LAYOUT,
  pollWhile,
  READY,
  SLOT,
  SPIN_US,
  takeJobs,
  workerMark,
} from './control.js';

/** A job's arguments read one by one from its slot (no array made per job; the export ignores those it does not take). */
const JOB_ARGUMENTS = Array.from({ length: SLOT - 1 }, (_, i) => `ctl[slot + ${i + 1}]`).join(', ');

/**
 * The body every worker runs once it has `init = { module, memory, control, id }`: instantiate the
 * module on the shared memory, report ready, then wait until the round changes (polling for the
 * control block's SPIN_US microseconds, then blocking in Atomics.wait), take and run the round's
 * open jobs with `takeJobs` (marking a job that threw as failed), and wait again. It includes the
 * text of `pollWhile` and `takeJobs`, each bound to a name of its own: a minifier may rename the
 * functions themselves. A worker that woke late finds no open job of its round and waits again.
 */
const body = `
const pollWhile = ${pollWhile};
const takeJobs = ${takeJobs};

function start(init) {
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const fns = ${JSON.stringify(JOB_FUNCTIONS)}.map((name) => exports[name]);
  const ctl = new Int32Array(init.control);
  const layout = ${JSON.stringify(JOB_LAYOUT)};
  const rank = init.id + 1;
  const mark = ${workerMark(0)} - init.id;
  const run = (slot) => {
    try {
      fns[ctl[slot] - 1](${JOB_ARGUMENTS});
    } catch {
      ctl[slot] = -1;
    }
  };
  let round = Atomics.load(ctl, ${GENERATION});
  Atomics.add(ctl, ${READY}, 1);
  Atomics.notify(ctl, ${READY});
  for (;;) {
    pollWhile(() => Atomics.load(ctl, ${GENERATION}) === round, Atomics.load(ctl, ${SPIN_US}) / 1000, ${CLOCK_EVERY});
    Atomics.wait(ctl, ${GENERATION}, round);
    round = Atomics.load(ctl, ${GENERATION});
    if (Atomics.load(ctl, ${EXIT}) !== 0) return;
    takeJobs(ctl, layout, round, rank, mark, run);
  }
}
`;

/** A Node worker_threads script (CommonJS, run with `eval: true`, started from workerData). */
export const NODE_WORKER_SOURCE = `${body}\nstart(require('node:worker_threads').workerData);\n`;

/** A browser Web Worker script, started by its first message. */
export const BROWSER_WORKER_SOURCE = `${body}\nself.onmessage = (event) => { self.onmessage = null; start(event.data); };\n`;
