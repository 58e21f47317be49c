import { numel } from '../shape.js';
import { checkReach, checkStrides, INDEX_HELPERS } from './elementwise.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * dtype conversions on the device, strided as the reference `mapStrided` (a view converts
 * without a copy first), and sums of int32 arrays. The device holds float32 as f32, int32 as
 * i32 and bool as f32 0 and 1 (device-storage.ts); WGSL has no f64, so float64 never lives there.
 * float32 -> int32 truncates toward zero and gives 0 for NaN and infinities, as `castScalar`;
 * values beyond the int32 range saturate where the CPU wraps them modulo 2^32.
 */

export type DeviceDType = 'float32' | 'int32' | 'bool';

const STORED: Record<DeviceDType, 'f32' | 'i32'> = { float32: 'f32', int32: 'i32', bool: 'f32' };

/** The WGSL of one element `a` of `from` converted to `to`. */
function conversion(from: DeviceDType, to: DeviceDType): string {
  // NaN is true, as in JavaScript: any bit set but the sign's.
  if (to === 'bool')
    return from === 'int32'
      ? 'select(0.0, 1.0, a != 0)'
      : 'select(0.0, 1.0, (bitcast<u32>(a) & 0x7fffffffu) != 0u)';
  if (to === 'float32') return from === 'int32' ? 'f32(a)' : 'a';
  // NaN and the infinities are the all-ones exponent (a bit test no compiler folds away).
  if (from === 'float32') return 'select(i32(trunc(a)), 0, (bitcast<u32>(a) & 0x7f800000u) == 0x7f800000u)';
  return from === 'bool' ? 'i32(a)' : 'a';
}

const kernels = new Map<string, KernelSource>();

function castKernel(from: DeviceDType, to: DeviceDType): KernelSource {
  const name = `cast.${from}.${to}`;
  let kernel = kernels.get(name);
  if (kernel === undefined) {
    kernel = {
      name,
      params: [
        ['ndim', 'i32'],
        ['offset', 'i32'],
      ],
      buffers: [
        { name: 'dims', type: 'i32', access: 'read' },
        { name: 'src', type: STORED[from], access: 'read' },
        { name: 'out', type: STORED[to], access: 'read_write' },
      ],
      helpers: INDEX_HELPERS,
      body: `
  let a = src[operandOffset(i, 0, P.offset)];
  out[i] = ${conversion(from, to)};`,
    };
    kernels.set(name, kernel);
  }
  return kernel;
}

/** The strided elements of `src` (holding `from`) converted to `to`, as a new contiguous array. */
export function cast(
  src: GpuArray,
  from: DeviceDType,
  to: DeviceDType,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): GpuArray {
  const name = `cast ${from} to ${to}`;
  checkStrides(name, 'src', strides, shape);
  checkReach(name, 'src', src, shape, strides, offset);
  const gpu = src.gpu;
  const dims = gpu.upload(Int32Array.from([...shape, ...strides]));
  const out = gpu.zeros(numel(shape), STORED[to] === 'i32' ? 'int32' : 'float32');
  gpu.run(castKernel(from, to), out.length, [dims, src, out], [shape.length, offset]);
  dims.destroy();
  return out;
}

/** The conversion an op name `cast.<from>.<to>` asks mapStrided for (ops/device.ts), else null. */
export function parseCastOp(op: string): { from: DeviceDType; to: DeviceDType } | null {
  const [head, from, to] = op.split('.');
  const known = (d: string): d is DeviceDType => d in STORED;
  return head === 'cast' && known(from) && known(to) ? { from, to } : null;
}

const SUM_INT32: KernelSource = {
  name: 'sumBlocksInt32',
  params: [['inner', 'i32']],
  buffers: [
    { name: 'src', type: 'i32', access: 'read' },
    { name: 'out', type: 'i32', access: 'read_write' },
  ],
  body: `
  var acc = 0;
  for (var j = i * P.inner; j < (i + 1) * P.inner; j++) { acc += src[j]; }
  out[i] = acc;`,
};

/** Sums of `outer` consecutive blocks of `inner` int32 values (wrapping as int32 arithmetic does). */
export function sumBlocksInt32(src: GpuArray, outer: number, inner: number): GpuArray {
  if (src.dtype !== 'int32' || src.length !== outer * inner) {
    throw new Error(
      `sum: expected ${outer} x ${inner} int32 values on the device, got ${src.length} ${src.dtype} values`,
    );
  }
  const out = src.gpu.zeros(outer, 'int32');
  src.gpu.run(SUM_INT32, outer, [src, out], [inner]);
  return out;
}
