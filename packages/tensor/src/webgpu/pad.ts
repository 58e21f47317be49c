import { type PadMode, planPad } from '../kernels/pad.js';
import { formatShape } from '../shape.js';
import { checkArray } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * F.pad over the last two dimensions with the reference's arguments (kernels/pad.ts), whose
 * plan gives each output row and column the source it reads (-1 for the fill): uploaded as one
 * i32 array, rows then columns. The backward runs one thread per input element and sums the
 * output gradients read from it, so no two threads write one element.
 */

const FORWARD: KernelSource = {
  name: 'pad2d',
  params: [
    ['inH', 'i32'],
    ['inW', 'i32'],
    ['outH', 'i32'],
    ['outW', 'i32'],
    ['value', 'f32'],
  ],
  buffers: [
    { name: 'maps', type: 'i32', access: 'read' },
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  body: `
  let j = i % P.outW;
  let row = (i / P.outW) % P.outH;
  let plane = i / (P.outW * P.outH);
  let r = maps[row];
  let c = maps[P.outH + j];
  if (r < 0 || c < 0) { y[i] = P.value; return; }
  y[i] = x[(plane * P.inH + r) * P.inW + c];`,
};

const BACKWARD: KernelSource = {
  name: 'pad2dBackward',
  params: [
    ['inH', 'i32'],
    ['inW', 'i32'],
    ['outH', 'i32'],
    ['outW', 'i32'],
  ],
  buffers: [
    { name: 'maps', type: 'i32', access: 'read' },
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  body: `
  let w = i % P.inW;
  let h = (i / P.inW) % P.inH;
  let plane = i / (P.inW * P.inH);
  var acc = 0.0;
  for (var row = 0; row < P.outH; row++) {
    if (maps[row] != h) { continue; }
    let base = (plane * P.outH + row) * P.outW;
    for (var j = 0; j < P.outW; j++) {
      if (maps[P.outH + j] == w) { acc += gy[base + j]; }
    }
  }
  gx[i] = acc;`,
};

function uploadMaps(gpu: GpuArray['gpu'], rowMap: Int32Array, colMap: Int32Array): GpuArray {
  const maps = new Int32Array(rowMap.length + colMap.length);
  maps.set(rowMap);
  maps.set(colMap, rowMap.length);
  return gpu.upload(maps);
}

export function pad2d(
  x: GpuArray,
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode = 'constant',
  value = 0,
): { out: GpuArray; outShape: number[] } {
  const { planes, inH, inW, rowMap, colMap, outShape } = planPad(xShape, pads, mode);
  checkArray('pad', 'input', x, xShape);
  const maps = uploadMaps(x.gpu, rowMap, colMap);
  const out = x.gpu.zeros(planes * rowMap.length * colMap.length);
  x.gpu.run(FORWARD, out.length, [maps, x, out], [inH, inW, rowMap.length, colMap.length, value]);
  maps.destroy();
  return { out, outShape };
}

export function pad2dBackward(
  gy: GpuArray,
  gyShape: readonly number[],
  xShape: readonly number[],
  pads: readonly number[],
  mode: PadMode = 'constant',
): GpuArray {
  const { planes, inH, inW, rowMap, colMap, outShape } = planPad(xShape, pads, mode);
  if (gyShape.length !== outShape.length || outShape.some((d, i) => d !== gyShape[i])) {
    throw new Error(
      `pad backward: expected grad_output ${formatShape(outShape)} for input ${formatShape(xShape)} ` +
        `(mode '${mode}', pads [${pads.join(', ')}]), got ${formatShape(gyShape)}`,
    );
  }
  checkArray('pad backward', 'grad_output', gy, gyShape);
  const maps = uploadMaps(gy.gpu, rowMap, colMap);
  const gx = gy.gpu.zeros(planes * inH * inW);
  gy.gpu.run(BACKWARD, gx.length, [maps, gy, gx], [inH, inW, rowMap.length, colMap.length]);
  maps.destroy();
  return gx;
}
