/** The expressions the graph page offers, with the lecture's values. */

/** A named expression and its variables' values. */
export interface Preset {
  label: string;
  expr: string;
  values: string;
}

/** The presets by key (the key goes in the URL). */
export const PRESETS: Record<string, Preset> = {
  lecture: { label: 'f = (x + y)·z (the lecture)', expr: '(x + y) * z', values: 'x = -2, y = 5, z = -4' },
  neuron: {
    label: 'sigmoid neuron σ(w0·x0 + w1·x1 + w2)',
    expr: 'sigmoid(w0*x0 + w1*x1 + w2)',
    values: 'w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3',
  },
  neuronGates: {
    label: 'sigmoid neuron, gate by gate 1/(1 + e^−z)',
    expr: '1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))',
    values: 'w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3',
  },
  twoLayer: {
    label: '2-layer net, squared loss',
    expr: 'square(v1*relu(w1*x + b1) + v2*tanh(w2*x + b2) + c - y)',
    values: 'x = 1.5, y = 1, w1 = 0.8, b1 = -0.2, w2 = -0.5, b2 = 0.3, v1 = 1.2, v2 = -0.7, c = 0.1',
  },
};
