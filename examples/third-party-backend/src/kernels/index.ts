/** The kernel table: every required kernel, one name each; `satisfies` fails to compile if one is missing. */
import type { KernelTable } from '@backprop/core';
import {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  pow,
  sub,
  where,
} from './binary.js';
import { fill, randomUniform } from './create.js';
import { gather, scatterAdd } from './indexed.js';
import { broadcastTo, concat, pad, slice, transpose } from './layout.js';
import { matmul } from './matmul.js';
import { argmax, argmin, max, min, sum } from './reduce.js';
import { abs, cast, cos, exp, floor, log, log1p, neg, reciprocal, sigmoid, sin, sqrt, tanh } from './unary.js';

export const kernels = {
  // elementwise (unary.ts)
  neg,
  abs,
  exp,
  log,
  log1p,
  sqrt,
  reciprocal,
  tanh,
  sigmoid,
  sin,
  cos,
  floor,
  cast,
  // binary with broadcasting, comparisons, where (binary.ts)
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  equal,
  notEqual,
  greater,
  greaterEqual,
  less,
  lessEqual,
  where,
  // reductions (reduce.ts)
  sum,
  max,
  min,
  argmax,
  argmin,
  // linear algebra (matmul.ts)
  matmul,
  // layout (layout.ts)
  slice,
  concat,
  transpose,
  broadcastTo,
  pad,
  // indexing (indexed.ts)
  gather,
  scatterAdd,
  // creation (create.ts)
  fill,
  randomUniform,
} satisfies KernelTable;
