import { manualSeed, randn, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, importOnnx } from '../src/index.js';
import { DataType, decodeModel, encodeModel } from '../src/schema/proto.js';
import { MobileBlock, randomizeBatchNorm } from './models.js';

describe('importOnnx reads what other writers write', () => {
  it('initializers as float lists and nodes in reverse order give the same module', () => {
    manualSeed(0);
    const model = new MobileBlock();
    randomizeBatchNorm(model);
    model.eval();
    const x = randn([2, 3, 16, 16]);
    const bytes = exportOnnx(model, x);
    const proto = decodeModel(bytes);
    const graph = proto.graph!;
    for (const init of graph.initializer!) {
      if (init.data_type !== DataType.FLOAT) continue;
      const raw = init.raw_data!;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      init.float_data = Array.from({ length: raw.length / 4 }, (_, i) => view.getFloat32(4 * i, true));
      delete init.raw_data;
    }
    graph.node!.reverse();
    const rewritten = encodeModel(proto);
    const a = (importOnnx(bytes).eval().forward(x) as Tensor).dataSync();
    const b = (importOnnx(rewritten).eval().forward(x) as Tensor).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(a)).toEqual(Array.from((model.forward(x) as Tensor).dataSync()));
  });
});
