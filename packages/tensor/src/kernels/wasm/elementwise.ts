import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import type { MapStridedKernel, ZipStridedKernel } from '../strided.js';
import { limits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Elementwise float32 ops on the WebAssembly kernels (assembly/elementwise.ts): the broadcast is
 * reduced to rows, out[i inner + j] = op(a[i aRow + j aCol], b[i bRow + j bCol]), when both
 * operands fit that form (same shape, a scalar, a repeated row or column); otherwise the caller
 * runs the reference.
 */

export const BINARY_OPS: Readonly<Record<string, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  gt: 6,
  lt: 7,
  ge: 8,
  le: 9,
  eq: 10,
  ne: 11,
};

export const UNARY_OPS: Readonly<Record<string, number>> = { neg: 0, abs: 1, relu: 2, sqrt: 3 };

interface BinaryExports {
  binary(
    op: number,
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    bRow: number,
    bCol: number,
    out: number,
    outer: number,
    inner: number,
  ): void;
  unary(op: number, x: number, out: number, n: number): void;
}

/** How one operand is read in the two-level form: row step (0 or inner) and column step (0 or 1). */
interface Steps {
  readonly row: number;
  readonly col: number;
  /** Elements read from the offset on. */
  readonly span: number;
}

/**
 * The operand's steps if dims [0, split) are rows and [split, ndim) columns: a scalar, a whole
 * contiguous array, one contiguous row read for every row, or one value per row (a contiguous
 * column); null for any other layout.
 */
function steps(shape: readonly number[], strides: readonly number[], split: number): Steps | null {
  let inner = 1;
  let innerZero = true;
  let innerContiguous = true;
  for (let d = shape.length - 1; d >= split; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== 0) innerZero = false;
    if (strides[d] !== inner) innerContiguous = false;
    inner *= shape[d];
  }
  let outer = 1;
  let outerZero = true;
  let outerWhole = true;
  let outerColumn = true;
  for (let d = split - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== 0) outerZero = false;
    if (strides[d] !== inner * outer) outerWhole = false;
    if (strides[d] !== outer) outerColumn = false;
    outer *= shape[d];
  }
  if (innerZero && outerZero) return { row: 0, col: 0, span: 1 };
  if (innerContiguous && outerWhole) return { row: inner, col: 1, span: inner * outer };
  if (innerContiguous && outerZero) return { row: 0, col: 1, span: inner };
  if (innerZero && outerColumn) return { row: 1, col: 0, span: outer };
  return null;
}

/**
 * Runs `op` on the WebAssembly kernels if the operands' layout allows; false leaves the call to
 * the reference.
 */
export function wasmBinary(
  rt: WasmRuntime,
  op: number,
  a: Float32Array,
  aStrides: readonly number[],
  aOffset: number,
  b: Float32Array,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
  out: Float32Array | Uint8Array,
): boolean {
  const ndim = shape.length;
  const total = out.length;
  for (let split = 0; split <= ndim; split++) {
    const sa = steps(shape, aStrides, split);
    const sb = sa === null ? null : steps(shape, bStrides, split);
    if (sa === null || sb === null) continue;
    let inner = 1;
    for (let d = split; d < ndim; d++) inner *= shape[d];
    const outer = inner === 0 ? 0 : total / inner;
    try {
      const ap = rt.write(a, aOffset, sa.span);
      const bp = rt.write(b, bOffset, sb.span);
      const o = out instanceof Uint8Array ? rt.alloc(total) : rt.result(total * 4);
      (rt.exports as unknown as BinaryExports).binary(
        op,
        ap,
        sa.row,
        sa.col,
        bp,
        sb.row,
        sb.col,
        o,
        outer,
        inner,
      );
      rt.calls++;
      if (out instanceof Uint8Array) out.set(new Uint8Array(rt.memory.buffer, o, total));
      else rt.read(o, out);
    } finally {
      rt.reset();
    }
    return true;
  }
  return false;
}

/** out = op(src) for a contiguous float32 source; false leaves the call to the reference. */
export function wasmUnary(
  rt: WasmRuntime,
  op: number,
  src: Float32Array,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: Float32Array,
): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d];
  }
  try {
    const x = rt.write(src, offset, out.length);
    const o = rt.result(out.length * 4);
    (rt.exports as unknown as BinaryExports).unary(op, x, o, out.length);
    rt.calls++;
    rt.read(o, out);
  } finally {
    rt.reset();
  }
  return true;
}

/**
 * The 'wasm' kernel `mapStrided` (registered/strided.ts): float32 'neg', 'abs', 'relu' and
 * 'sqrt' over a contiguous source of at least `limits.minElementwise` elements, once the module
 * is loaded; every other call is declined to the reference.
 */
export const wasmMapStrided: BackendKernel<MapStridedKernel> = (_f, src, shape, strides, offset, out, op) => {
  const code = op === undefined ? undefined : UNARY_OPS[op];
  if (code === undefined || !(src instanceof Float32Array) || !(out instanceof Float32Array)) return DECLINED;
  const rt = out.length >= limits.minElementwise ? wasmRuntime() : null;
  if (rt === null || !wasmUnary(rt, code, src, shape, strides, offset, out)) return DECLINED;
};

/**
 * The 'wasm' kernel `zipStrided`: float32 'add', 'sub', 'mul', 'div', 'maximum', 'minimum'
 * (float32 out) and 'gt', 'lt', 'ge', 'le', 'eq', 'ne' (bool out) of at least
 * `limits.minElementwise` elements when the broadcast reduces to rows (same shape, a scalar, a
 * repeated row or column), once the module is loaded; every other call is declined.
 */
export const wasmZipStrided: BackendKernel<ZipStridedKernel> = (
  _f,
  a,
  aStrides,
  aOffset,
  b,
  bStrides,
  bOffset,
  shape,
  out,
  op,
) => {
  const code = op === undefined ? undefined : BINARY_OPS[op];
  if (
    code === undefined ||
    !(a instanceof Float32Array) ||
    !(b instanceof Float32Array) ||
    !(code >= BINARY_OPS.gt ? out instanceof Uint8Array : out instanceof Float32Array)
  ) {
    return DECLINED;
  }
  const rt = out.length >= limits.minElementwise ? wasmRuntime() : null;
  const ran =
    rt !== null &&
    wasmBinary(rt, code, a, aStrides, aOffset, b, bStrides, bOffset, shape, out as Float32Array | Uint8Array);
  if (!ran) return DECLINED;
};
