import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * The chapter's two-dimensional cross-correlation (kernels/corr2d.ts) on the GPU: one thread
 * per output element sums the kernel's window in the reference's order (rows, then columns).
 * Its backward is corr2d again (ops/corr2d.ts), so this one kernel serves both directions.
 */

const CORR2D: KernelSource = {
  name: 'corr2d',
  params: [
    ['w', 'i32'],
    ['kh', 'i32'],
    ['kw', 'i32'],
    ['ow', 'i32'],
  ],
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'k', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  body: `
  let row = i / P.ow;
  let col = i % P.ow;
  var acc = 0.0;
  for (var a = 0; a < P.kh; a++) {
    let at = (row + a) * P.w + col;
    for (var b = 0; b < P.kw; b++) { acc += x[at + b] * k[a * P.kw + b]; }
  }
  y[i] = acc;`,
};

/** corr2d of a contiguous [h, w] x with a contiguous [kh, kw] k: a new [h - kh + 1, w - kw + 1] array. */
export function corr2d(x: GpuArray, h: number, w: number, k: GpuArray, kh: number, kw: number): GpuArray {
  const op = 'corr2d';
  checkArray(op, 'X', x, [h, w]);
  checkArray(op, 'K', k, [kh, kw]);
  checkSameDevice(op, [x, k]);
  if (kh > h || kw > w) throw new Error(`${op}: kernel [${kh}, ${kw}] does not fit in input [${h}, ${w}]`);
  const [oh, ow] = [h - kh + 1, w - kw + 1];
  const y = x.gpu.zeros(oh * ow);
  x.gpu.run(CORR2D, oh * ow, [x, k, y], [w, kh, kw, ow]);
  return y;
}
