import { formatShape, numel } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Elementwise maps with the reference's strided arguments (kernels/strided.ts): each operand
 * has its own strides (0 along broadcast axes) and offset, the output is contiguous. The
 * function is named rather than passed, since it becomes WGSL; activations' backward passes are
 * fused into one kernel each.
 */

export const BINARY_OPS = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  maximum: 'select(max(a, b), a + b, isNan(a) || isNan(b))',
  minimum: 'select(min(a, b), a + b, isNan(a) || isNan(b))',
  pow: 'powf(a, b)',
  // Comparisons and logical ops give bool results, held on the device as f32 0 and 1.
  eq: 'select(0.0, 1.0, a == b)',
  ne: 'select(0.0, 1.0, a != b)',
  gt: 'select(0.0, 1.0, a > b)',
  ge: 'select(0.0, 1.0, a >= b)',
  lt: 'select(0.0, 1.0, a < b)',
  le: 'select(0.0, 1.0, a <= b)',
  logicalAnd: 'select(0.0, 1.0, a != 0.0 && b != 0.0)',
  logicalOr: 'select(0.0, 1.0, a != 0.0 || b != 0.0)',
} as const;
/** The binary ops {@link binary} runs: `add`, `sub`, `mul`, `div`, `maximum`, `minimum`, `pow`. */
export type BinaryOp = keyof typeof BINARY_OPS;

// tanh is evaluated on a clamped argument: some WGSL compilers form it from exp and overflow.
export const UNARY_OPS = {
  /** A strided copy: what materialises a view (the reference maps it with the identity). */
  copy: 'a',
  relu: 'max(a, 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-a))',
  tanh: 'tanh(clamp(a, -20.0, 20.0))',
  exp: 'exp(a)',
  log: 'log(a)',
  neg: '-a',
  abs: 'abs(a)',
  sqrt: 'sqrt(a)',
  sign: 'select(sign(a), a, isNan(a))',
  logicalNot: 'select(0.0, 1.0, a == 0.0)',
} as const;
/** The unary ops {@link unary} runs (a copy, relu, sigmoid, tanh, exp, log, neg, abs, sqrt). */
export type UnaryOp = keyof typeof UNARY_OPS;

/**
 * Gradient of an activation from the upstream gradient g and what its forward saved, s: the
 * input x for relu and log, the output y for sigmoid, tanh and exp (as PyTorch's derivatives).
 */
export const ACTIVATION_BACKWARD = {
  relu: 'select(0.0, g, s > 0.0)',
  sigmoid: 'g * (1.0 - s) * s',
  tanh: 'g * (1.0 - s * s)',
  exp: 'g * s',
  log: 'g / s',
} as const;
/** The activations whose backward {@link activationBackward} fuses: relu, sigmoid, tanh, exp, log. */
export type ActivationBackward = keyof typeof ACTIVATION_BACKWARD;

// The row-major index of thread i is taken apart from the last axis; `dims` holds the shape,
// then each operand's strides. isNan tests the bits: SwiftShader folds a != a to false.
export const INDEX_HELPERS = `
fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}
fn operandOffset(k: i32, operand: i32, offset: i32) -> i32 {
  var rest = k;
  var at = offset;
  for (var d = P.ndim - 1; d >= 0; d--) {
    let size = dims[d];
    at += (rest % size) * dims[(1 + operand) * P.ndim + d];
    rest = rest / size;
  }
  return at;
}`;

// WGSL's pow is exp2(b log2(a)), undefined for a < 0 and for 0^0: JavaScript's ** (and
// PyTorch's) gives a negative base an integer power with its sign, 0^0 = 1, and NaN otherwise.
const POW_HELPER = `
fn powf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  let p = pow(abs(a), b);
  if (a >= 0.0 || isNan(a)) { return p; }
  // A var, not a constant: WGSL refuses a NaN constant expression.
  var nan = 0x7fc00000u;
  if (b != floor(b)) { return bitcast<f32>(nan); }
  return select(p, -p, fract(b * 0.5) != 0.0);
}`;

const kernels = new Map<string, KernelSource>();

function cached(name: string, make: () => KernelSource): KernelSource {
  let kernel = kernels.get(name);
  if (kernel === undefined) {
    kernel = make();
    kernels.set(name, kernel);
  }
  return kernel;
}

function binaryKernel(op: BinaryOp): KernelSource {
  return cached(`binary.${op}`, () => ({
    name: `binary.${op}`,
    params: [
      ['ndim', 'i32'],
      ['aOffset', 'i32'],
      ['bOffset', 'i32'],
    ],
    buffers: [
      { name: 'dims', type: 'i32', access: 'read' },
      { name: 'A', type: 'f32', access: 'read' },
      { name: 'B', type: 'f32', access: 'read' },
      { name: 'out', type: 'f32', access: 'read_write' },
    ],
    helpers: op === 'pow' ? INDEX_HELPERS + POW_HELPER : INDEX_HELPERS,
    body: `
  let a = A[operandOffset(i, 0, P.aOffset)];
  let b = B[operandOffset(i, 1, P.bOffset)];
  out[i] = ${BINARY_OPS[op]};`,
  }));
}

function unaryKernel(op: UnaryOp): KernelSource {
  return cached(`unary.${op}`, () => ({
    name: `unary.${op}`,
    params: [
      ['ndim', 'i32'],
      ['offset', 'i32'],
    ],
    buffers: [
      { name: 'dims', type: 'i32', access: 'read' },
      { name: 'src', type: 'f32', access: 'read' },
      { name: 'out', type: 'f32', access: 'read_write' },
    ],
    helpers: INDEX_HELPERS,
    body: `
  let a = src[operandOffset(i, 0, P.offset)];
  out[i] = ${UNARY_OPS[op]};`,
  }));
}

function backwardKernel(op: ActivationBackward): KernelSource {
  return cached(`backward.${op}`, () => ({
    name: `backward.${op}`,
    params: [],
    buffers: [
      { name: 'gy', type: 'f32', access: 'read' },
      { name: 'saved', type: 'f32', access: 'read' },
      { name: 'gx', type: 'f32', access: 'read_write' },
    ],
    body: `
  let g = gy[i];
  let s = saved[i];
  gx[i] = ${ACTIVATION_BACKWARD[op]};`,
  }));
}

export function checkStrides(
  op: string,
  what: string,
  strides: readonly number[],
  shape: readonly number[],
): void {
  if (strides.length !== shape.length || strides.some((s) => !Number.isInteger(s))) {
    throw new Error(`${op}: ${what} strides [${strides.join(', ')}] do not fit shape ${formatShape(shape)}`);
  }
}

/** Largest and smallest element an operand reaches, to check it against its array. */
export function checkReach(
  op: string,
  what: string,
  array: GpuArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): void {
  let low = offset;
  let high = offset;
  shape.forEach((size, d) => {
    const span = (size - 1) * strides[d];
    if (span > 0) high += span;
    else low += span;
  });
  if (numel(shape) > 0 && (low < 0 || high >= array.length)) {
    throw new Error(
      `${op}: ${what} with strides [${strides.join(', ')}] and offset ${offset} reaches outside its ${array.length} elements`,
    );
  }
}

/**
 * out = a op b over the broadcast `shape`, with the arguments of the reference `zipStrided`:
 * each operand read through its own strides (0 along a broadcast axis) and offset.
 *
 * @param op - The op's name.
 * @param a - The left operand.
 * @param aStrides - Its strides, one per dimension of `shape`.
 * @param aOffset - Where its first element is.
 * @param b - The right operand.
 * @param bStrides - Its strides.
 * @param bOffset - Where its first element is.
 * @param shape - The broadcast shape.
 * @returns A new contiguous array of `shape`.
 */
export function binary(
  op: BinaryOp,
  a: GpuArray,
  aStrides: readonly number[],
  aOffset: number,
  b: GpuArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
): GpuArray {
  const name = `binary ${op}`;
  if (!(op in BINARY_OPS))
    throw new Error(`${name}: unknown op, expected one of ${Object.keys(BINARY_OPS).join(', ')}`);
  checkSameDevice(name, [a, b]);
  checkStrides(name, 'a', aStrides, shape);
  checkStrides(name, 'b', bStrides, shape);
  checkReach(name, 'a', a, shape, aStrides, aOffset);
  checkReach(name, 'b', b, shape, bStrides, bOffset);
  const gpu = a.gpu;
  const dims = gpu.upload(Int32Array.from([...shape, ...aStrides, ...bStrides]));
  const out = gpu.zeros(numel(shape));
  gpu.run(binaryKernel(op), out.length, [dims, a, b, out], [shape.length, aOffset, bOffset]);
  dims.destroy();
  return out;
}

/**
 * out = op(src) over `shape`, with the arguments of the reference `mapStrided`.
 *
 * @param op - The op's name.
 * @param src - The operand.
 * @param shape - Its shape (a view's).
 * @param strides - Its strides.
 * @param offset - Where its first element is.
 * @returns A new contiguous array of `shape`.
 */
export function unary(
  op: UnaryOp,
  src: GpuArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): GpuArray {
  const name = `unary ${op}`;
  if (!(op in UNARY_OPS))
    throw new Error(`${name}: unknown op, expected one of ${Object.keys(UNARY_OPS).join(', ')}`);
  checkStrides(name, 'src', strides, shape);
  checkReach(name, 'src', src, shape, strides, offset);
  const gpu = src.gpu;
  const dims = gpu.upload(Int32Array.from([...shape, ...strides]));
  const out = gpu.zeros(numel(shape));
  gpu.run(unaryKernel(op), out.length, [dims, src, out], [shape.length, offset]);
  dims.destroy();
  return out;
}

/**
 * Gradient of an activation over contiguous arrays of one shape: `saved` is the forward's input
 * for relu and log, its output for sigmoid, tanh and exp.
 *
 * @param op - The activation.
 * @param gy - The output's gradient.
 * @param saved - What the forward saved (see above).
 * @param shape - The shape of both.
 * @returns The input's gradient.
 */
export function activationBackward(
  op: ActivationBackward,
  gy: GpuArray,
  saved: GpuArray,
  shape: readonly number[],
): GpuArray {
  const name = `${op} backward`;
  if (!(op in ACTIVATION_BACKWARD)) {
    throw new Error(
      `${name}: unknown activation, expected one of ${Object.keys(ACTIVATION_BACKWARD).join(', ')}`,
    );
  }
  checkArray(name, 'grad_output', gy, shape);
  checkArray(name, 'saved', saved, shape);
  checkSameDevice(name, [gy, saved]);
  const gx = gy.gpu.zeros(gy.length);
  gy.gpu.run(backwardKernel(op), gx.length, [gy, saved, gx], []);
  return gx;
}
