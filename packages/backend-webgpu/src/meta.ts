/** Kernel metadata (sizes, shapes, strides, scalars) packed as 32-bit words for a shader's `meta` buffer. */

/** Builds the words a shader reads as `args[i]`: unsigned ints, and floats or ints by their bits. */
export class Meta {
  private readonly words: number[] = [];
  private readonly scratch = new DataView(new ArrayBuffer(4));

  /** Appends unsigned integers (each must be in [0, 2³²)). */
  u(...values: readonly number[]): this {
    for (const v of values) this.words.push(v >>> 0);
    return this;
  }

  /** Appends a float32 by its bits (read back with `bitcast<f32>(args[i])`). */
  f(value: number): this {
    this.scratch.setFloat32(0, value, true);
    this.words.push(this.scratch.getUint32(0, true));
    return this;
  }

  /** Appends a signed 32-bit integer by its bits (ToInt32 of `value`). */
  i(value: number): this {
    this.words.push((value | 0) >>> 0);
    return this;
  }

  /** The number of words so far (the index the next value will have). */
  get length(): number {
    return this.words.length;
  }

  /** The packed words. */
  build(): Uint32Array {
    return Uint32Array.from(this.words.length === 0 ? [0] : this.words);
  }
}

/** The 32-bit pattern a value of `dtype` is stored as on the GPU (bool as u32 0/1; int32 as ToInt32). */
export function valueBits(value: number, dtype: 'float32' | 'int32' | 'bool'): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return (value | 0) >>> 0;
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return view.getUint32(0, true);
}
