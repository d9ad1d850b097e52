/** A small seeded random generator (mulberry32 + Box-Muller) shared by every dataset, identical on every machine. */

/** A seeded stream of numbers: `uniform()` in [0, 1), `normal()` standard normal, `int(k)` in [0, k). */
export interface Rng {
  uniform(): number;
  normal(): number;
  int(k: number): number;
}

/** MurmurHash3's 32-bit finalizer: a bijection of 32-bit words (0 stays 0) that scatters nearby inputs. */
function fmix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Mixes an integer seed into a 32-bit state so nearby seeds start far apart. Seeds in [0, 2³²)
 * map one to one. A seed outside (negative, or 2³² and up) folds its high word in through its
 * own finalizer: XOR-ing the words as they are sent −k to the state of k − 1 and 2³² + a to a,
 * so seeds −1 and 0, or 2³² and 1, gave the same data.
 */
function mixSeed(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x100000000) | 0;
  return fmix32(high === 0 ? low : low ^ fmix32(Math.imul(high, 0x9e3779b1)));
}

/**
 * Creates a mulberry32 generator. Only 32-bit integer arithmetic and `Math.cos/sin/log/sqrt`
 * on its output are used, so the uniform stream is bit-identical everywhere.
 */
export function createRng(seed: number): Rng {
  let state = mixSeed(seed);
  let spare: number | undefined;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // Box-Muller; 1 - u lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const int = (k: number): number => Math.floor(uniform() * k);
  return { uniform, normal, int };
}

/** Shuffles `values` in place (Fisher-Yates) with `rng` and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, rng: Rng): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = values[i];
    values[i] = values[j];
    values[j] = tmp;
  }
  return values;
}

/** A seeded permutation of 0 … n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rng);
}
