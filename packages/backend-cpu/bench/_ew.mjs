import { cpu } from '../dist/index.js';
for (const opts of [{simd:false,threads:1},{simd:true,threads:1}]) {
  const b = cpu(opts);
  const n = 262144; const s=[512,512];
  const x = {handle:b.write(new Float32Array(n).map(Math.random),s,'float32'),shape:s,dtype:'float32'};
  const c = {handle:b.write(new Float32Array([0.9]),[],'float32'),shape:[],dtype:'float32'};
  for (const [nm, inputs] of [['mul same',[x,x]],['mul scalar',[x,c]]]) {
    const f=()=>b.dispose(b.kernels.mul(inputs,{},{shape:s,dtype:'float32'}));
    for(let i=0;i<20;i++)f();
    const t=performance.now(); for(let i=0;i<200;i++)f(); const us=(performance.now()-t)/200*1000;
    console.log(JSON.stringify(opts), nm, us.toFixed(0),'us', (us*1000/n).toFixed(2),'ns/elem');
  }
}
