/** The playground's settings, read from the form. */

/** Everything the user chooses. */
export interface Settings {
  data: 'xor' | 'circles' | 'moons' | 'spirals' | 'mnist';
  noise: number;
  hidden: number[];
  activation: 'relu' | 'tanh' | 'sigmoid' | 'leakyRelu';
  optimizer: 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
  lr: number;
  batchSize: number;
  l2: number;
  dropout: number;
  backend: 'cpu' | 'webgpu' | 'onnx';
}

/** Reads and validates the form; throws with a message naming the field. */
export function readSettings(form: HTMLFormElement): Settings {
  const f = new FormData(form);
  const num = (name: string, min: number, max = Number.POSITIVE_INFINITY) => {
    const v = Number(f.get(name));
    if (!Number.isFinite(v) || v < min || v > max)
      throw new Error(`${name} must be a number in [${min}, ${max}], got ${f.get(name)}`);
    return v;
  };
  const hidden = String(f.get('hidden') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (hidden.some((u) => !Number.isInteger(u) || u < 1 || u > 4096))
    throw new Error(`hidden units must be positive integers, got ${f.get('hidden')}`);
  return {
    data: String(f.get('data')) as Settings['data'],
    noise: num('noise', 0, 1),
    hidden,
    activation: String(f.get('activation')) as Settings['activation'],
    optimizer: String(f.get('optimizer')) as Settings['optimizer'],
    lr: num('lr', 0),
    batchSize: Math.round(num('batchSize', 1)),
    l2: num('l2', 0),
    dropout: num('dropout', 0, 0.95),
    backend: String(f.get('backend')) as Settings['backend'],
  };
}
