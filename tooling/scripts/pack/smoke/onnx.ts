// @fovea/onnx: a small CNN through ONNX and back gives the same outputs, under the same names.
import { Conv2d, Flatten, Linear, ReLU, Sequential } from '@fovea/nn';
import { exportOnnx, importOnnx, type OnnxModel } from '@fovea/onnx';
import { randn, type Tensor } from '@fovea/tensor';

const net = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(8, 3)).eval();
const x = randn([2, 1, 4, 4]);
const bytes: Uint8Array = exportOnnx(net, x, { opset: 17 });
const back: OnnxModel = importOnnx(bytes).eval();
const expected = (net.forward(x) as Tensor).dataSync();
const actual = (back.forward(x) as Tensor).dataSync();
const same = expected.length === actual.length && expected.every((v, i) => v === actual[i]);
if (!same) throw new Error('the imported model computes other outputs than the exported one');
console.log(
  `parameters ${back
    .namedParameters()
    .map(([name]) => name)
    .join(', ')}; same outputs: ${same}`,
);
