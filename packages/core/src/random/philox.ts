/**
 * Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
 * the counter-based generator every backend implements bit for bit, so a seed gives the
 * same weights and dropout masks on CPU, WebGPU and ONNX Runtime.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 values. */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const mid = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  return (aHi * bHi + (hilo >>> 16) + (lohi >>> 16) + (mid >>> 16)) >>> 0;
}

/** One Philox-4x32-10 block: four uint32 words from a 128-bit counter and a 64-bit key. */
export function philox4x32(
  counter: readonly number[],
  key: readonly [number, number],
  out = new Uint32Array(4),
): Uint32Array {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

/** Maps a uint32 to a float in [0, 1) exactly representable in float32: (word >>> 8) · 2⁻²⁴. */
export function uint32ToUnit(word: number): number {
  return (word >>> 8) * 2 ** -24;
}

/**
 * `count` uniform floats in [0, 1): element i is word i mod 4 of the block with counter
 * (offset + ⌊i/4⌋, 0, 0, 0) — the split of a counter above 2³² carries into the second word.
 *
 * @example
 * ```ts
 * import { philoxUniform } from '@backprop/core';
 *
 * const u = philoxUniform([0, 0], 0, 8); // 8 floats in [0, 1) from key 0, counter 0: what every backend must draw
 * ```
 */
export function philoxUniform(
  key: readonly [number, number],
  offset: number,
  count: number,
  out: Float32Array<ArrayBufferLike> = new Float32Array(count),
): Float32Array<ArrayBufferLike> {
  const words = new Uint32Array(4);
  const counter = [0, 0, 0, 0];
  for (let i = 0; i < count; i += 4) {
    const block = offset + i / 4;
    counter[0] = block % 4294967296;
    counter[1] = Math.floor(block / 4294967296);
    philox4x32(counter, key, words);
    const n = Math.min(4, count - i);
    for (let j = 0; j < n; j++) out[i + j] = uint32ToUnit(words[j]);
  }
  return out;
}

/** Number of Philox blocks `count` values use (the amount a generator's offset advances). */
export function blocksFor(count: number): number {
  return Math.ceil(count / 4);
}

/** Splits a seed (an integer up to 2⁵³) into a Philox key. */
export function keyFromSeed(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  return [(seed % 4294967296) >>> 0, Math.floor(seed / 4294967296) >>> 0];
}
