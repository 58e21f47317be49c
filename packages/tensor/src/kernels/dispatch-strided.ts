import type { TypedArray } from '../dtype.js';
import { wasmRuntime } from './backend.js';
import {
  type BinaryFn,
  mapStrided as mapStridedReference,
  type UnaryFn,
  zipStrided as zipStridedReference,
} from './strided.js';
import { BINARY_OPS, UNARY_OPS, wasmBinary, wasmUnary } from './wasm/elementwise.js';
import { limits } from './wasm/limits.js';

/**
 * The strided elementwise kernels ops call, with the signatures of kernels/strided.ts plus the
 * op's name: named float32 ops run in WebAssembly once the module is loaded (by the conv2d and
 * pooling kernels or by setBackend/getBackend, see backend.ts), the reference otherwise.
 */
/**
 * `mapStrided` (kernels/strided.ts) with the op's name: float32 'neg', 'abs', 'relu' and 'sqrt'
 * over a contiguous source of at least `limits.minElementwise` elements run in WebAssembly, bit
 * for bit as the reference computes them; everything else runs the reference with `f`.
 */
export function mapStrided(
  f: UnaryFn,
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: TypedArray,
  op?: string,
): void {
  const code = op === undefined ? undefined : UNARY_OPS[op];
  if (code !== undefined && src instanceof Float32Array && out instanceof Float32Array) {
    const rt = out.length >= limits.minElementwise ? wasmRuntime() : null;
    if (rt !== null && wasmUnary(rt, code, src, shape, strides, offset, out)) return;
  }
  mapStridedReference(f, src, shape, strides, offset, out);
}

/**
 * `zipStrided` (kernels/strided.ts) with the op's name: float32 'add', 'sub', 'mul', 'div',
 * 'maximum', 'minimum' (float32 out) and 'gt', 'lt', 'ge', 'le', 'eq', 'ne' (bool out) of at
 * least `limits.minElementwise` elements run in WebAssembly when the broadcast reduces to rows
 * (same shape, a scalar, a repeated row or column), bit for bit as the reference.
 */
export function zipStrided(
  f: BinaryFn,
  a: TypedArray,
  aStrides: readonly number[],
  aOffset: number,
  b: TypedArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
  out: TypedArray,
  op?: string,
): void {
  const code = op === undefined ? undefined : BINARY_OPS[op];
  if (
    code !== undefined &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    (code >= BINARY_OPS.gt ? out instanceof Uint8Array : out instanceof Float32Array)
  ) {
    const rt = out.length >= limits.minElementwise ? wasmRuntime() : null;
    if (
      rt !== null &&
      wasmBinary(
        rt,
        code,
        a,
        aStrides,
        aOffset,
        b,
        bStrides,
        bOffset,
        shape,
        out as Float32Array | Uint8Array,
      )
    ) {
      return;
    }
  }
  zipStridedReference(f, a, aStrides, aOffset, b, bStrides, bOffset, shape, out);
}
