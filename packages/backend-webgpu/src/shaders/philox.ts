/** Philox-4x32-10 in WGSL, bit-exact with core's `philox4x32` (core/src/random/philox.ts). */

/**
 * `philox(counter, key)`: ten rounds of Salmon et al.'s bijection. WGSL has no 32×32→64-bit
 * multiply, so `mulhi` splits into 16-bit halves exactly like core's `mulhi32`.
 */
export const PHILOX_WGSL = /* wgsl */ `
fn mulhi(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu; let aHi = a >> 16u;
  let bLo = b & 0xffffu; let bHi = b >> 16u;
  let lolo = aLo * bLo; let hilo = aHi * bLo; let lohi = aLo * bHi;
  let mid = (lolo >> 16u) + (hilo & 0xffffu) + (lohi & 0xffffu);
  return aHi * bHi + (hilo >> 16u) + (lohi >> 16u) + (mid >> 16u);
}
fn philox(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var round = 0; round < 10; round++) {
    let hi0 = mulhi(0xd2511f53u, c.x); let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi(0xcd9e8d57u, c.z); let lo1 = 0xcd9e8d57u * c.z;
    c = vec4u(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k += vec2u(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}`;
