/** The WebGPU backend's kernel factories: one kernel per file, every required kernel and all optional ones. */
import type { KernelTable } from '@backprop/core';
import type { KernelContext } from '../kernel-context.js';
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
import { rmspropUpdate } from './rmspropUpdate.js';
import { scatterAdd } from './scatterAdd.js';
import { sgdUpdate } from './sgdUpdate.js';
import { sigmoid } from './sigmoid.js';
import { sin } from './sin.js';
import { slice } from './slice.js';
import { softmax } from './softmax.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';
import { sqrt } from './sqrt.js';
import { sub } from './sub.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { transpose } from './transpose.js';
import { where } from './where.js';

/**
 * The kernel table bound to one backend's context: each kernel file exports a factory taking the
 * context; a required kernel missing here fails to compile.
 */
export function bindKernels(k: KernelContext): KernelTable {
  return {
    neg: neg(k),
    abs: abs(k),
    exp: exp(k),
    log: log(k),
    log1p: log1p(k),
    sqrt: sqrt(k),
    reciprocal: reciprocal(k),
    tanh: tanh(k),
    sigmoid: sigmoid(k),
    sin: sin(k),
    cos: cos(k),
    floor: floor(k),
    add: add(k),
    sub: sub(k),
    mul: mul(k),
    div: div(k),
    pow: pow(k),
    maximum: maximum(k),
    minimum: minimum(k),
    equal: equal(k),
    notEqual: notEqual(k),
    greater: greater(k),
    greaterEqual: greaterEqual(k),
    less: less(k),
    lessEqual: lessEqual(k),
    where: where(k),
    sum: sum(k),
    max: max(k),
    min: min(k),
    argmax: argmax(k),
    argmin: argmin(k),
    matmul: matmul(k),
    gather: gather(k),
    scatterAdd: scatterAdd(k),
    slice: slice(k),
    concat: concat(k),
    transpose: transpose(k),
    broadcastTo: broadcastTo(k),
    pad: pad(k),
    cast: cast(k),
    fill: fill(k),
    randomUniform: randomUniform(k),
    softmax: softmax(k),
    logSoftmax: logSoftmax(k),
    softmaxCrossEntropy: softmaxCrossEntropy(k),
    dense: dense(k),
    sgdUpdate: sgdUpdate(k),
    adamUpdate: adamUpdate(k),
    rmspropUpdate: rmspropUpdate(k),
    finiteFlags: finiteFlags(k),
  } satisfies KernelTable;
}
