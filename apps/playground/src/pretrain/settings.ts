/** The pretraining page's settings: names as in the form and the URL, defaults, and checks. */

/** Everything one run needs; every field is a form control of the same name (and a URL parameter). */
export interface PretrainSettings {
  /** Hidden units of the first RBM (one filter tile each). */
  hidden: number;
  /** Hidden units of the second RBM in the stack. */
  hidden2: number;
  /** RBM learning rate. */
  lr: number;
  /** Gibbs steps per CD-k update. */
  k: number;
  /** Unlabelled digits the RBMs train on (the first N of the 1,500 training digits). */
  digits: number;
  /** RBM epochs (each layer). */
  epochs: number;
  /** RBM minibatch size. */
  batch: number;
  /** Gibbs steps of the drawn sample chains. */
  gibbs: number;
  /** Labelled digits for fine-tuning (and training from scratch). */
  labelled: number;
  /** Fine-tuning epochs. */
  ftEpochs: number;
  /** Fine-tuning learning rate (SGD, momentum 0.9). */
  ftLr: number;
  /** Seed of the weights, shuffles and Gibbs draws. */
  seed: number;
}

export const DEFAULTS: PretrainSettings = {
  hidden: 64,
  hidden2: 32,
  lr: 0.1,
  k: 1,
  digits: 1500,
  epochs: 6,
  batch: 20,
  gibbs: 10,
  labelled: 300,
  ftEpochs: 20,
  ftLr: 0.1,
  seed: 0,
};

/** Training digits in the 2,000-digit asset (the last 500, 50 of each class, are the test set). */
export const TRAIN_DIGITS = 1500;

/** [min, max, integer] of each setting. */
const RANGES: Record<keyof PretrainSettings, [number, number, boolean]> = {
  hidden: [1, 400, true],
  hidden2: [1, 400, true],
  lr: [1e-5, 10, false],
  k: [1, 50, true],
  digits: [10, TRAIN_DIGITS, true],
  epochs: [1, 100, true],
  batch: [1, 500, true],
  gibbs: [1, 1000, true],
  labelled: [10, TRAIN_DIGITS, true],
  ftEpochs: [1, 200, true],
  ftLr: [1e-5, 10, false],
  seed: [0, 2 ** 31, true],
};

/** Reads and checks the settings from the values of the form's controls; throws a readable error. */
export function parseSettings(get: (name: string) => string): PretrainSettings {
  const s = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof PretrainSettings)[]) {
    const raw = get(key).trim();
    const v = Number(raw);
    const [lo, hi, integer] = RANGES[key];
    if (raw === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < lo || v > hi)
      throw new Error(`${key} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got "${raw}"`);
    s[key] = v;
  }
  return s;
}
