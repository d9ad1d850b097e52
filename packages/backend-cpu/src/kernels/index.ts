/** The CPU backend's kernel table: one kernel per file, every required kernel and all optional ones. */
import type { KernelTable } from '@backprop/core';
import { abs } from './abs.js';
import { adamUpdate } from './adamUpdate.js';
import { add } from './add.js';
import { argmax } from './argmax.js';
import { argmin } from './argmin.js';
import { broadcastTo } from './broadcastTo.js';
import { cast } from './cast.js';
import { concat } from './concat.js';
import { cos } from './cos.js';
import { dense } from './dense.js';
import { div } from './div.js';
import { equal } from './equal.js';
import { exp } from './exp.js';
import { fill } from './fill.js';
import { finiteFlags } from './finiteFlags.js';
import { floor } from './floor.js';
import { gather } from './gather.js';
import { greater } from './greater.js';
import { greaterEqual } from './greaterEqual.js';
import { less } from './less.js';
import { lessEqual } from './lessEqual.js';
import { log } from './log.js';
import { log1p } from './log1p.js';
import { logSoftmax } from './logSoftmax.js';
import { matmul } from './matmul.js';
import { max } from './max.js';
import { maximum } from './maximum.js';
import { min } from './min.js';
import { minimum } from './minimum.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { notEqual } from './notEqual.js';
import { pad } from './pad.js';
import { pow } from './pow.js';
import { randomUniform } from './randomUniform.js';
import { reciprocal } from './reciprocal.js';
import { relu } from './relu.js';
import { reluGrad } from './reluGrad.js';
import { rmspropUpdate } from './rmspropUpdate.js';
import { scatterAdd } from './scatterAdd.js';
import { sgdUpdate } from './sgdUpdate.js';
import { sigmoid } from './sigmoid.js';
import { sin } from './sin.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';
import { softmaxCrossEntropyGrad } from './softmaxCrossEntropyGrad.js';
import { sqrt } from './sqrt.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { where } from './where.js';

/** Every kernel of the CPU backend; fails to compile when a required kernel is missing. */
export const kernels = {
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
  sum,
  max,
  min,
  argmax,
  argmin,
  matmul,
  gather,
  scatterAdd,
  slice,
  concat,
  transpose,
  broadcastTo,
  pad,
  cast,
  fill,
  randomUniform,
  softmax,
  logSoftmax,
  softmaxCrossEntropy,
  softmaxCrossEntropyGrad,
  dense,
  sgdUpdate,
  adamUpdate,
  rmspropUpdate,
  finiteFlags,
  relu,
  reluGrad,
} satisfies KernelTable;
