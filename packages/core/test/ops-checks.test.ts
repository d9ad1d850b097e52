/**
 * Ops that gave a plausible wrong answer, or an untyped crash, for arguments they could not
 * honour: each now computes what PyTorch computes or throws a typed error naming the op, what it
 * expected and what it got.
 */

import {
  add,
  arange,
  bernoulli,
  cast,
  concat,
  DTypeError,
  div,
  equal,
  expandDims,
  eye,
  flatten,
  full,
  gather,
  grad,
  greater,
  less,
  lessEqual,
  logSumExp,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  normalizeAxes,
  normalizeAxis,
  notEqual,
  pad,
  pow,
  powInt32,
  reshape,
  ShapeError,
  scalar,
  scatterAdd,
  slice,
  squeeze,
  sub,
  sum,
  type Tensor,
  tensor,
  transpose,
  ValueError,
  valueAndGrad,
  vjp,
  where,
  writeTensor,
  zeros,
} from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, useCpu } from './setup.js';

beforeAll(useCpu);

/** Expects `f` to throw an instance of `type` whose message matches `message`. */
function expectError(f: () => unknown, type: abstract new (...args: never[]) => Error, message: RegExp): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${type.name} matching ${message}`).toBeInstanceOf(type);
  expect((error as Error).message).toMatch(message);
}

const int = (values: number[], shape = [values.length]) => tensor(values, shape, 'int32');
const bool = (values: boolean[]) => tensor(values);
const values = async (t: Tensor) => Array.from(await t.data());

describe('a number used with an int32 or bool tensor', () => {
  const notInt32 = (op: string, v: string) =>
    new RegExp(
      `^${op}: the number ${v} is not an int32 value \\(an integer in \\[-2147483648, 2147483647\\]\\).*cast the tensor first`,
    );

  it('must be exactly an int32 value in arithmetic (0.5 was squeezed to 0, 1e10 wrapped, NaN became 0)', () => {
    expectError(() => pow(int([4, 9]), 0.5), DTypeError, notInt32('pow', '0\\.5'));
    expectError(() => mul(int([3, 4]), 0.5), DTypeError, notInt32('mul', '0\\.5'));
    expectError(() => sub(int([0]), 1e10), DTypeError, notInt32('sub', '10000000000'));
    expectError(() => mul(int([1, 2]), Number.NaN), DTypeError, notInt32('mul', 'NaN'));
    expectError(() => add(0.5, int([1])), DTypeError, notInt32('add', '0\\.5'));
    expectError(() => maximum(int([1]), Number.POSITIVE_INFINITY), DTypeError, notInt32('maximum', 'Infinity'));
    expectError(() => div(int([1]), 2147483648), DTypeError, notInt32('div', '2147483648'));
  });

  it('must be exactly an int32 value in comparisons, which never round or wrap it', () => {
    // less(int32[1, 2], 1.5) was [0, 0] and equal(…, 1.5) [1, 0]: 1.5 became 1. 3e9 wrapped negative.
    expectError(() => less(int([1, 2]), 1.5), DTypeError, notInt32('less', '1\\.5'));
    expectError(() => equal(int([1, 2]), 1.5), DTypeError, notInt32('equal', '1\\.5'));
    expectError(() => less(int([1, 2]), 3e9), DTypeError, notInt32('less', '3000000000'));
    expectError(() => greater(int([1]), -3e9), DTypeError, notInt32('greater', '-3000000000'));
    expectError(() => notEqual(int([1]), Number.NaN), DTypeError, notInt32('notEqual', 'NaN'));
  });

  it('must be 0 or 1 with a bool tensor (0.5 compared as 0, 2 stored as a byte that is no boolean)', () => {
    const notBool = (op: string, v: string) =>
      new RegExp(`^${op}: the number ${v} is not a bool value \\(0 or 1\\).*cast the tensor first`);
    expectError(() => equal(bool([true, false]), 0.5), DTypeError, notBool('equal', '0\\.5'));
    expectError(() => where(bool([true, false]), bool([true, true]), 2), DTypeError, notBool('where', '2'));
    expectError(() => notEqual(bool([true]), -1), DTypeError, notBool('notEqual', '-1'));
  });

  it('is a ValueError with a hint when it is a JavaScript boolean', () => {
    expectError(
      () => equal(bool([true]), true as unknown as number),
      ValueError,
      /^equal: expected a Tensor or a number, got the boolean true; write 1 or 0/,
    );
  });

  it('that the dtype holds exactly still works, at the ends of the int32 range too', async () => {
    expect(await values(mul(int([3, 4]), 2))).toEqual([6, 8]);
    expect(await values(less(int([1, 2]), 2))).toEqual([1, 0]);
    expect(await values(lessEqual(int([-2147483648, 2147483647]), 2147483647))).toEqual([1, 1]);
    expect(await values(greater(int([-2147483648, 0]), -2147483648))).toEqual([0, 1]);
    expect(await values(where(bool([true, false]), int([1, 2]), -5))).toEqual([1, -5]);
    expect(await values(equal(bool([true, false]), 1))).toEqual([1, 0]);
    expect(await values(where(bool([true, false]), bool([false, false]), 1))).toEqual([0, 1]);
    // float32 takes any number, rounded to float32 as PyTorch rounds a Python float.
    expect(await values(mul(tensor([2]), 0.5))).toEqual([1]);
    expect(await values(less(tensor([1, 2]), 1.5))).toEqual([1, 0]);
  });

  it('casting the tensor first gives PyTorch’s float answers', async () => {
    expectClose(await pow(cast(int([4, 9]), 'float32'), 0.5).data(), [2, 3]);
    expect(await values(less(cast(int([1, 2]), 'float32'), 1.5))).toEqual([1, 0]);
  });
});

describe('int32 powers with no integer answer', () => {
  it('a negative exponent is a ValueError (0⁻¹ gave 0), as PyTorch and NumPy raise', () => {
    const negative =
      /^pow: an int32 base to a negative power \(exponent -1\).*Integers to negative integer powers are not allowed/;
    expectError(() => pow(int([0, 2]), -1), ValueError, negative);
    expectError(
      () => pow(int([0, 2, 3]), int([1, 2, -1])),
      ValueError,
      /^pow: an int32 base to a negative power \(exponent -1 at position 2\)/,
    );
    expectError(() => pow(int([0]), int([-3], [1])), ValueError, /exponent -3 at position 0/);
  });

  it('a non-negative exponent computes as before', async () => {
    expect(await values(pow(int([2, 3, -2, 0]), 2))).toEqual([4, 9, 4, 0]);
    expect(await values(pow(int([2, 3, 0]), int([0, 3, 0])))).toEqual([1, 27, 1]);
    expect(await values(pow(int([], [0]), int([], [0])))).toEqual([]);
  });
});

describe('int32 division by zero', () => {
  it('is a ValueError before anything runs (it gave 0), as PyTorch raises ZeroDivisionError', () => {
    expectError(
      () => div(int([7, -7]), 0),
      ValueError,
      /^div: int32 division by zero \(divisor 0\).*ZeroDivisionError/,
    );
    expectError(() => div(int([7, -7, 1]), int([2, 0, 0])), ValueError, /divisor 0 at position 1\)/);
    expectError(() => div(int([7, 8], [1, 2]), int([1, 0], [2, 1])), ValueError, /divisor 0 at position 1\)/);
    expectError(() => div(5, int([3, 0])), ValueError, /divisor 0 at position 1\)/);
  });

  it('other divisors truncate toward zero as before; float32 gives ±∞ and NaN', async () => {
    expect(await values(div(int([7, -7, 0]), int([2, 2, -3])))).toEqual([3, -3, 0]);
    expect(await values(div(int([], [0]), 0))).toEqual([]); // an empty quotient divides nothing, as in PyTorch
    expect(await values(div(tensor([1, -1, 0]), 0))).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ]);
  });
});

describe('the gradient of pow at base 0 (PyTorch 1.13’s rules)', () => {
  // x, z and, per element, PyTorch's ∂/∂x and ∂/∂z of sum(x ** z).
  const x = [0, 0, 0, 0, 2, 0];
  const z = [0, -1, 0.5, 2, 0, 1];
  const dx = [0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 0, 0, 1];
  const dz = [0, Number.NEGATIVE_INFINITY, 0, 0, Math.LN2, 0];

  it('∂/∂base is 0 where the exponent is 0 (0⁰ gave 0·∞ = NaN); ∂/∂exponent is −∞ at 0 to a negative power (it gave 0)', async () => {
    const [gx, gz] = grad((a, b) => sum(pow(a, b)))(tensor(x), tensor(z));
    expectClose(await gx.data(), dx);
    expectClose(await gz.data(), dz);
  });

  it('holds for a number exponent and under broadcasting', async () => {
    const [g0] = grad((a) => sum(pow(a, 0)))(tensor([0, 3]));
    expect(await values(g0)).toEqual([0, 0]);
    // One base against a row of exponents: the gradients sum over the broadcast axis.
    const [gx, gz] = grad((a, b) => sum(pow(a, b)))(tensor([0]), tensor([0, 2, 1]));
    expect(await values(gx)).toEqual([1]);
    expect(await values(gz)).toEqual([0, 0, 0]);
  });
});

describe('bool tensors hold 0 or 1 only', () => {
  it('a Uint8Array is stored as nonzero → 1 (2 stayed 2, so equal(t, 1) said false while cast said 1)', async () => {
    const t = tensor(new Uint8Array([2, 0, 255]), [3], 'bool');
    expect(await values(t)).toEqual([1, 0, 1]);
    expect(await values(equal(t, 1))).toEqual([1, 0, 1]);
    expect(await values(cast(t, 'float32'))).toEqual([1, 0, 1]);
    // Without a dtype, bytes other than 0 and 1 (image pixels) are not read as booleans: a dtype is asked for.
    expect(() => tensor(new Uint8Array([7, 0, 255]))).toThrow(
      /^tensor: a Uint8Array with bytes other than 0 and 1 needs a dtype: 'float32' or 'int32' keep each byte's value \(0–255\), 'bool' reads nonzero bytes as true$/,
    );
    expect(await values(tensor(new Uint8Array([7, 0, 255]), [3], 'float32'))).toEqual([7, 0, 255]);
    const inferred = tensor(new Uint8Array([1, 0]));
    expect(inferred.dtype).toBe('bool');
    expect(await values(inferred)).toEqual([1, 0]);
    // A Uint8Array of 0 and 1 is taken as it is.
    expect(await values(tensor(new Uint8Array([1, 0]), [2], 'bool'))).toEqual([1, 0]);
  });

  it('numbers stored as bool are x ≠ 0, as cast and PyTorch read them: NaN is true (it was false)', async () => {
    expect(await values(tensor([Number.NaN, 0, 2, -0], [4], 'bool'))).toEqual([1, 0, 1, 0]);
    expect(await values(cast(tensor([Number.NaN, 0, 2]), 'bool'))).toEqual([1, 0, 1]);
    expect(await values(full([2], Number.NaN, 'bool'))).toEqual([1, 1]);
    expect(await values(full([1], 2, 'bool'))).toEqual([1]);
    expect(await values(full([1], 0, 'bool'))).toEqual([0]);
  });

  it('scatterAdd of bool updates and an arange of bool are DTypeErrors (they stored 2)', () => {
    expectError(
      () => scatterAdd(bool([true, true]), int([0, 0]), 0, [1]),
      DTypeError,
      /^scatterAdd: updates must be float32 or int32, got bool\[2\]/,
    );
    expectError(() => arange(0, 3, 1, 'bool'), DTypeError, /^arange: dtype bool has no range of values/);
  });

  it('pad values must be values of the dtype, as any number used with a tensor', async () => {
    expectError(() => pad(bool([true]), [[1, 1]], 2), DTypeError, /^pad: the value 2 is not a bool value \(0 or 1\)/);
    expectError(() => pad(int([1]), [[1, 1]], 0.5), DTypeError, /^pad: the value 0\.5 is not an int32 value/);
    expectError(
      () => pad(tensor([1]), [[1, 1]], '1' as unknown as number),
      ValueError,
      /^pad: value must be a number, got "1"/,
    );
    expect(await values(pad(bool([false]), [[1, 0]], 1))).toEqual([1, 0]);
    expect(await values(pad(int([1]), [[0, 1]], -7))).toEqual([1, -7]);
  });
});

describe('max and min over an empty axis', () => {
  it('of an int32 tensor are a ValueError (they gave 0, −∞ stored in an Int32Array), as PyTorch raises', () => {
    expectError(
      () => max(zeros([2, 0], 'int32'), 1),
      ValueError,
      /^max: axis 1 of the int32 tensor \[2,0\] is empty, so it has no maximum \(int32 has no −∞; PyTorch raises here too\)/,
    );
    expectError(
      () => min(zeros([0], 'int32')),
      ValueError,
      /^min: axis 0 of the int32 tensor \[0\] is empty, so it has no minimum/,
    );
    expectError(() => max(zeros([0, 3], 'int32'), 0, true), ValueError, /^max: axis 0/);
  });

  it('of a float32 tensor keep their identity, ±∞; an empty result is no error', async () => {
    expect(await values(max(zeros([2, 0]), 1))).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(await values(min(zeros([0])))).toEqual([Number.POSITIVE_INFINITY]);
    expect(max(zeros([0, 0], 'int32'), 1).shape).toEqual([0]);
    expect(await values(max(int([3, 7, 5]), 0))).toEqual([7]);
  });
});

describe('arange', () => {
  it('refuses an int32 range that would wrap or repeat values (3e9 wrapped negative; a step of 0.5 gave [0, 0, 1, 1])', () => {
    expectError(() => arange(3e9, 3e9 + 2, 1, 'int32'), ValueError, /^arange: value 3000000000 does not fit int32/);
    expectError(
      () => arange(2147483646, 2147483649, 1, 'int32'),
      ValueError,
      /^arange: value 2147483648 does not fit int32/,
    );
    expectError(
      () => arange(0, 2, 0.5, 'int32'),
      ValueError,
      /^arange: an int32 range needs an integer start and step, got start 0, step 0\.5/,
    );
    expectError(() => arange(0.5, 3, 1, 'int32'), ValueError, /integer start and step, got start 0\.5, step 1/);
  });

  it('refuses non-finite bounds and ranges too long for a tensor with a typed error (they were RangeErrors)', () => {
    expectError(
      () => arange(0, Number.POSITIVE_INFINITY),
      ValueError,
      /^arange: stop must be a finite number, got Infinity/,
    );
    expectError(() => arange(Number.NaN), ValueError, /^arange: stop must be a finite number, got NaN/);
    expectError(() => arange(Number.NaN, 3), ValueError, /^arange: start must be a finite number, got NaN/);
    expectError(() => arange(0, 3, Number.NaN), ValueError, /^arange: step must be a finite number, got NaN/);
    expectError(() => arange(0, 3, 0), ValueError, /^arange: step must be non-zero/);
    expectError(
      () => arange(0, 1, 1e-12),
      ValueError,
      /^arange: \[0, 1\) in steps of 1e-12 has 1000000000000 values, more than the 2147483647 a tensor may hold/,
    );
    expectError(() => arange(0, 1e39, 1e38), ValueError, /^arange: value .* overflows float32/);
    expectError(
      () => arange(0, 3, 1, 'foo' as 'float32'),
      DTypeError,
      /^arange: unknown dtype "foo"; expected one of float32, int32, bool/,
    );
    expectError(() => arange('3' as unknown as number), ValueError, /^arange: stop must be a finite number, got "3"/);
  });

  it('still makes the ranges it made', async () => {
    expect(await values(arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
    expect(await values(arange(3))).toEqual([0, 1, 2]);
    expect(await values(arange(3, 0, -1, 'int32'))).toEqual([3, 2, 1]);
    expect(await values(arange(0, 2.5, 1, 'int32'))).toEqual([0, 1, 2]);
    expect(await values(arange(5, 0))).toEqual([]);
    expect(await values(arange(-2147483648, -2147483646, 1, 'int32'))).toEqual([-2147483648, -2147483647]);
  });
});

describe('shapes and axes that are no shapes or axes', () => {
  it('slice requires integer begins and sizes (a size of 2.5 made a tensor of shape [2.5])', async () => {
    expectError(
      () => slice(tensor([1, 2, 3, 4, 5]), [0], [2.5]),
      ShapeError,
      /^slice: begin and size must be integers \(a size of -1 runs to the end\), got 2\.5/,
    );
    expectError(
      () => slice(tensor([1, 2, 3]), [0], ['2' as unknown as number]),
      ShapeError,
      /must be integers \(.*\), got "2" in begin \[0\]/,
    );
    expectError(
      () => slice(tensor([1, 2, 3]), 0 as unknown as number[]),
      ShapeError,
      /^slice: begin and size must be lists of 1 integers for \[3\], got begin 0/,
    );
    expect(await values(slice(tensor([1, 2, 3, 4, 5]), [1], [-1]))).toEqual([2, 3, 4, 5]);
  });

  it('pad requires pairs of non-negative integers', () => {
    expectError(() => pad(tensor([1]), [[0.5, 1]]), ValueError, /^pad: need 1 pairs of non-negative integers/);
    expectError(() => pad(tensor([1]), ['ab' as unknown as [number, number]]), ValueError, /^pad: need 1 pairs/);
  });

  it('a scalar has no axes: concat, squeeze, gather and scatterAdd say so (RangeError, "size undefined", "[0, undefined)")', () => {
    expectError(
      () => concat([scalar(1), scalar(2)]),
      ShapeError,
      /^concat: tensor 0 is a scalar \(rank 0\), which has no axis to join along/,
    );
    const noAxes = (op: string) =>
      new RegExp(`^${op}: axis 0 does not exist: the tensor is a scalar \\(rank 0\\), which has no axes`);
    expectError(() => squeeze(scalar(1), [0]), ValueError, noAxes('squeeze'));
    expectError(() => gather(scalar(1), int([0])), ValueError, noAxes('gather'));
    expectError(() => scatterAdd(tensor([1]), int([0]), 0, []), ValueError, noAxes('scatterAdd'));
    expectError(() => normalizeAxis('myOp', 0, 0), ValueError, noAxes('myOp'));
    expectError(() => flatten(scalar(1), 0), ValueError, noAxes('flatten'));
  });

  it('refuses an axis named twice, as PyTorch and NumPy, before anything runs', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const repeated = (op: string, axis: number) => new RegExp(`^${op}: axis ${axis} appears more than once in axes`);
    expectError(() => sum(x, [0, -2]), ValueError, repeated('sum', 0));
    expectError(() => sum(x, [1, 1]), ValueError, repeated('sum', 1));
    expectError(() => mean(x, [-1, 1, 0]), ValueError, repeated('mean', 1));
    expectError(() => max(x, [0, 0], true), ValueError, repeated('max', 0));
    expectError(() => logSumExp(x, [1, -1]), ValueError, repeated('logSumExp', 1));
    expect(sum(x, [1, 0]).shape).toEqual([]);
  });

  it('reductions of a scalar accept axis 0 and −1 and reduce nothing, as PyTorch', async () => {
    expect(await values(sum(scalar(3), 0))).toEqual([3]);
    expect(await values(max(scalar(3), -1))).toEqual([3]);
    expect(await values(mean(scalar(3), [0], true))).toEqual([3]);
    expect(normalizeAxes('myOp', [-1], 0)).toEqual([]);
    expectError(
      () => normalizeAxes('myOp', [0, -1], 0),
      ValueError,
      /^myOp: axis 0 appears more than once in axes \[0, -1\]/,
    );
    expectError(
      () => sum(scalar(3), 1),
      ValueError,
      /^sum: axis must be 0 or -1 for a scalar \(rank 0\), which has no other, got 1/,
    );
    expect(squeeze(zeros([1])).shape).toEqual([]);
    expect(expandDims(scalar(1), 0).shape).toEqual([1]);
  });
});

describe('unknown dtypes and wrong kinds of argument', () => {
  it('an unknown dtype is a DTypeError naming the dtypes (tensors of dtype "foo" were made and used)', () => {
    const unknown = (op: string) => new RegExp(`^${op}: unknown dtype "foo"; expected one of float32, int32, bool$`);
    expectError(() => tensor([1], [1], 'foo' as 'float32'), DTypeError, unknown('tensor'));
    expectError(() => tensor(new Float32Array([1]), [1], 'foo' as 'float32'), DTypeError, unknown('tensor'));
    expectError(() => eye(2, 2, 'foo' as 'float32'), DTypeError, unknown('eye'));
    expectError(() => full([1], 0, 'foo' as 'float32'), DTypeError, unknown('full'));
    expectError(() => bernoulli([1], 0.5, { dtype: 'foo' as 'float32' }), DTypeError, unknown('bernoulli'));
    expectError(() => cast(tensor([1]), 'foo' as 'float32'), DTypeError, unknown('cast'));
  });

  it('typed arrays that hold no numbers are a ValueError (a BigInt64Array was a TypeError)', () => {
    expectError(
      () => tensor(new BigInt64Array([1n]) as unknown as Float32Array),
      ValueError,
      /^tensor: values must be an array or a typed array of numbers, got a BigInt64Array/,
    );
    expectError(
      () => tensor(new DataView(new ArrayBuffer(4)) as unknown as Float32Array),
      ValueError,
      /got a DataView/,
    );
  });

  it('shapes, axes and lists given as something else are typed errors (they were TypeErrors)', async () => {
    const x = zeros([2, 3]);
    expectError(
      () => reshape(x, 6 as unknown as number[]),
      ShapeError,
      /^reshape: shape must be a list of integers, got 6; write \[6\] for one axis$/,
    );
    expectError(
      () => sum(x, null as unknown as number),
      ValueError,
      /^sum: axes must be an axis, a list of axes, or undefined for all of them, got null$/,
    );
    expectError(() => sum(x, '0' as unknown as number), ValueError, /^sum: axes must be .*, got "0"$/);
    expectError(() => max(x, {} as unknown as number), ValueError, /^max: axes must be .*, got \{\}$/);
    expectError(
      () => transpose(x, '10' as unknown as number[]),
      ValueError,
      /^transpose: perm must be a list of axes \(a permutation of 0\.\.1\) or undefined, got "10"$/,
    );
    expectError(
      () => concat(x as unknown as Tensor[]),
      ValueError,
      /^concat: expected a list of tensors, got a Tensor float32\[2,3\]; wrap them in a list/,
    );
    expectError(
      () => squeeze(zeros([1, 3]), 'a' as unknown as number),
      ValueError,
      /^squeeze: axes must be an axis, a list of axes, or undefined, got "a"$/,
    );
    // squeeze takes one axis as a number, as the reductions and PyTorch do.
    expect(squeeze(zeros([1, 3]), 0).shape).toEqual([3]);
    expect(squeeze(zeros([3, 1]), -1).shape).toEqual([3]);
  });

  it('grad, valueAndGrad and vjp check the function, the argument list and dy', () => {
    const x = tensor([1, 2]);
    expectError(
      () => grad(3 as unknown as () => Tensor),
      ValueError,
      /^grad: expected the function to differentiate, got 3$/,
    );
    expectError(
      () => valueAndGrad(null as unknown as () => Tensor),
      ValueError,
      /^valueAndGrad: expected the function to differentiate, got null$/,
    );
    expectError(
      () => vjp(3 as unknown as () => Tensor, [x]),
      ValueError,
      /^vjp: expected the function to differentiate/,
    );
    expectError(
      () => vjp((a) => a, x as unknown as Tensor[]),
      ValueError,
      /^vjp: the arguments must be a list of tensors, got a Tensor float32\[2\]; wrap it in a list: vjp\(f, \[x\]\)$/,
    );
    expectError(
      () => vjp((a) => a, [x], 1 as unknown as Tensor),
      ValueError,
      /^vjp: dy must be a Tensor shaped like the output \(or undefined for ones\), got 1$/,
    );
    expectError(() => vjp((a) => a, [x], tensor([1, 2, 3])), ShapeError, /^vjp: dy has shape \[3\]/);
  });
});

describe('bool bytes written from the host', () => {
  it('are 0 or 1; another byte is a ValueError naming where it is', async () => {
    expectError(
      () => writeTensor(Uint8Array.of(0, 1, 2), [3], 'bool'),
      ValueError,
      /^writeTensor: bool values must be bytes of 0 or 1, got 2 at position 2/,
    );
    expectError(() => writeTensor(Uint8Array.of(255), [1], 'bool'), ValueError, /got 255 at position 0/);
    const mask = writeTensor(Uint8Array.of(1, 0, 1), [3], 'bool');
    expect(await values(where(mask, tensor([1, 2, 3]), 0))).toEqual([1, 0, 3]);
    // Made from numbers, a bool tensor holds x ≠ 0 as 1.
    expect(await values(tensor([2, 0, -1], [3], 'bool'))).toEqual([1, 0, 1]);
  });
});

describe('the gradient of maximum and minimum (PyTorch 1.13’s rule)', () => {
  it('a tie gives each side half, the side not taken 0, and a NaN on either side the whole gradient to both', async () => {
    // torch.maximum / torch.minimum backward on these inputs with dy = [1, 2, 4, 8, 16].
    const a = tensor([1, Number.NaN, 2, 3, 5]);
    const b = tensor([Number.NaN, 1, 2, 4, 1]);
    const dy = tensor([1, 2, 4, 8, 16]);
    const grads = async (op: typeof maximum) => {
      const { grads } = vjp((x, z) => op(x, z), [a, b], dy);
      return Promise.all(grads.map(async (g) => Array.from(await g.data())));
    };
    expect(await grads(maximum)).toEqual([
      [1, 2, 2, 0, 16],
      [1, 2, 2, 8, 0],
    ]);
    expect(await grads(minimum)).toEqual([
      [1, 2, 2, 8, 0],
      [1, 2, 2, 0, 16],
    ]);
  });
});

describe('powInt32 (the backend kit’s int32 power)', () => {
  it('is exact and wrapping, and refuses anything but two int32 values', () => {
    expect([powInt32(3, 40), powInt32(2, 31), powInt32(-1, -3), powInt32(0, 0)]).toEqual([
      689956897, -2147483648, -1, 1,
    ]);
    for (const [a, b] of [
      [1.5, 2],
      [2, Number.NaN],
      [2 ** 31, 1],
      [2, '3'],
    ] as [number, number][])
      expectError(() => powInt32(a, b), ValueError, /^powInt32: base and exponent must be int32 values, got /);
  });
});
