import ort from 'onnxruntime-node';
import { encodeModel, OnnxType } from '/work/main/packages/backend-onnx/dist/index.js';
const g = { name: 'g', nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }, { op: 'Tanh', inputs: ['c'], outputs: ['d'] },
  { op: 'Div', inputs: ['i', 'j'], outputs: ['k'] }],
  initializers: [], inputs: [{ name: 'a', type: 1, dims: [2, 3] }, { name: 'b', type: 1, dims: [3, 2] }, { name: 'i', type: 6, dims: [3] }, { name: 'j', type: 6, dims: [3] }],
  outputs: [{ name: 'd', type: 1, dims: [2, 2] }, { name: 'k', type: 6, dims: [3] }] };
const bytes = encodeModel(g);
for (const ep of process.argv.slice(2)) {
  const t0 = performance.now();
  const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep] });
  const r = await s.run({ a: new ort.Tensor('float32', new Float32Array([1,2,3,4,5,6]), [2,3]), b: new ort.Tensor('float32', new Float32Array([.1,.2,.3,.4,.5,.6]), [3,2]),
    i: new ort.Tensor('int32', new Int32Array([-7, 7, -2147483648]), [3]), j: new ort.Tensor('int32', new Int32Array([2, 2, 3]), [3]) });
  console.log(ep, r.d.data, r.k.data, performance.now() - t0);
}
