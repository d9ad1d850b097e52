/**
 * Exports the API reference leaves out: helpers a package exports for its sibling packages
 * (backends, optimizers, layers) that are not part of what users call. typedoc already drops
 * anything tagged `@internal` (`excludeInternal`); this list covers the helpers without the tag,
 * and `test/api.test.ts` fails when a name here is no longer exported, so the list cannot go stale.
 */

/** Package folder → export names hidden from its API page. */
export const apiInternals = {
  core: [
    // random/philox.ts: the steps of the Philox generator (philoxUniform stays: backends must match it)
    'mulhi32',
    'philox4x32',
    'uint32ToUnit',
    'blocksFor',
    'keyFromSeed',
    // backend-kit.ts: storage helpers our backends share
    'checkWrite',
    'MemoryCounter',
    // copies.ts: duplicate-install detection behind the "not a Tensor" errors
    'coreCopies',
    'otherCopyHint',
    // validate.ts: argument checks the packages share
    'formatValue',
    'invalid',
    'finite',
    'inRange',
    'nonNegative',
    'nonNegativeInt',
    'positive',
    'positiveInt',
    'boolean',
    'seedOf',
    // kernels/update-rules.ts and ops/tensor-arithmetic.ts: the optimizer formulas written once
    // over an Arithmetic, shared by the float64 references and the optimizers package
    'Arithmetic',
    'hostArithmetic',
    'tensorArithmetic',
    'coupledDecayRule',
    'MomentumRuleOptions',
    'momentumRule',
    'adamMomentsRule',
    'adamDirectionRule',
    'RmsRuleOptions',
    'RmsRuleState',
    'rmsRule',
    // kernels/fused-update-rules.ts: the fused kernels' float32 rules one by one, for backend-onnx's
    // graph lowering (updateKernelRule, runUpdateLoop and runUpdateBlocks stay documented)
    'UpdateOutputs',
    'adamUpdateRule',
    'sgdUpdateRule',
    'rmspropUpdateRule',
    // ops/operand.ts: a tensor's values when they can be had without waiting, for packages' input checks
    'hostValues',
    // nn/training-modes.ts: evaluation mode for a while with every module's own flag put back (exportOnnx)
    'inEvalMode',
  ],
};
