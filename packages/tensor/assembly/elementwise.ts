/**
 * Elementwise float32 kernels over a two-level view of a broadcast: out[i inner + j] =
 * op(a[i aRow + j aCol], b[i bRow + j bCol]) with aCol, bCol in {0, 1}, which covers operands of
 * the same shape, a scalar, a row repeated down the rows (a bias) and a column repeated along
 * them. Float32 +, -, *, / and sqrt round exactly as JavaScript's double-precision operation
 * followed by a store into a Float32Array, so results equal the reference bit for bit.
 */

export const ADD: i32 = 0;
export const SUB: i32 = 1;
export const MUL: i32 = 2;
export const DIV: i32 = 3;
export const MAX: i32 = 4;
export const MIN: i32 = 5;
/** Comparisons write one byte per element (bool). */
export const GT: i32 = 6;
export const LT: i32 = 7;
export const GE: i32 = 8;
export const LE: i32 = 9;
export const EQ: i32 = 10;
export const NE: i32 = 11;

@inline
function vop(op: i32, x: v128, y: v128): v128 {
  switch (op) {
    case ADD:
      return f32x4.add(x, y);
    case SUB:
      return f32x4.sub(x, y);
    case MUL:
      return f32x4.mul(x, y);
    case DIV:
      return f32x4.div(x, y);
    case MAX:
      return f32x4.max(x, y);
    case MIN:
      return f32x4.min(x, y);
    case GT:
      return f32x4.gt(x, y);
    case LT:
      return f32x4.lt(x, y);
    case GE:
      return f32x4.ge(x, y);
    case LE:
      return f32x4.le(x, y);
    case EQ:
      return f32x4.eq(x, y);
    default:
      return f32x4.ne(x, y);
  }
}

@inline
function sop(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case ADD:
      return x + y;
    case SUB:
      return x - y;
    case MUL:
      return x * y;
    case DIV:
      return x / y;
    case MAX:
      return isNaN(x) || isNaN(y) ? NaN : x > y || (x == y && !(x < 0 || 1 / x < 0)) ? x : y;
    case MIN:
      return isNaN(x) || isNaN(y) ? NaN : x < y || (x == y && (x < 0 || 1 / x < 0)) ? x : y;
    case GT:
      return x > y ? 1 : 0;
    case LT:
      return x < y ? 1 : 0;
    case GE:
      return x >= y ? 1 : 0;
    case LE:
      return x <= y ? 1 : 0;
    case EQ:
      return x == y ? 1 : 0;
    default:
      return x != y ? 1 : 0;
  }
}

/** One row: four lanes at a time, the operand with column step 0 splatted. */
@inline
function row(op: i32, a: usize, aCol: i32, b: usize, bCol: i32, out: usize, inner: i32, bytes: bool): void {
  let j = 0;
  const av = f32x4.splat(load<f32>(a));
  const bv = f32x4.splat(load<f32>(b));
  for (; j + 4 <= inner; j += 4) {
    const o = <usize>j << 2;
    const x = aCol != 0 ? v128.load(a + o) : av;
    const y = bCol != 0 ? v128.load(b + o) : bv;
    const r = vop(op, x, y);
    if (bytes) {
      // Lanes of all ones become 1, zeros 0, packed to four bytes.
      const ones = v128.and(r, i32x4.splat(1));
      const narrow = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(ones, ones), i16x8.splat(0));
      store<i32>(out + <usize>j, i32x4.extract_lane(narrow, 0));
    } else {
      v128.store(out + o, r);
    }
  }
  for (; j < inner; j++) {
    const x = load<f32>(a + (aCol != 0 ? <usize>j << 2 : 0));
    const y = load<f32>(b + (bCol != 0 ? <usize>j << 2 : 0));
    const r = sop(op, x, y);
    if (bytes) store<u8>(out + <usize>j, <u8>r);
    else store<f32>(out + (<usize>j << 2), r);
  }
}

export function binary(
  op: i32,
  a: usize,
  aRow: i32,
  aCol: i32,
  b: usize,
  bRow: i32,
  bCol: i32,
  out: usize,
  outer: i32,
  inner: i32,
): void {
  const bytes = op >= GT;
  for (let i = 0; i < outer; i++) {
    const ai = a + (<usize>(i * aRow) << 2);
    const bi = b + (<usize>(i * bRow) << 2);
    const oi = out + (bytes ? <usize>(i * inner) : <usize>(i * inner) << 2);
    if (aCol != 0 && bCol != 0) row(op, ai, 1, bi, 1, oi, inner, bytes);
    else if (aCol != 0) row(op, ai, 1, bi, 0, oi, inner, bytes);
    else if (bCol != 0) row(op, ai, 0, bi, 1, oi, inner, bytes);
    else row(op, ai, 0, bi, 0, oi, inner, bytes);
  }
}

export const NEG: i32 = 0;
export const ABS: i32 = 1;
export const RELU: i32 = 2;
export const SQRT: i32 = 3;

/** out[i] = op(x[i]) over n contiguous floats; relu keeps NaN, as PyTorch does. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    let r: v128;
    if (op == NEG) r = f32x4.neg(v);
    else if (op == ABS) r = f32x4.abs(v);
    // max propagates NaN and gives +0 for -0, as `v > 0 || isNaN(v) ? v : 0` does.
    else if (op == RELU) r = f32x4.max(v, zero);
    else r = f32x4.sqrt(v);
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: f32;
    if (op == NEG) r = -v;
    else if (op == ABS) r = abs<f32>(v);
    else if (op == RELU) r = v > 0 || isNaN(v) ? v : 0;
    else r = sqrt<f32>(v);
    store<f32>(out + o, r);
  }
}

/**
 * target[i] += alpha other[i] over n floats (an optimizer's update), the product rounded to
 * float32 and then the sum, as src/kernels/add-scaled.ts's float32 loop rounds them.
 */
export function addScaled(target: usize, other: usize, alpha: f32, n: i32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(target + o, f32x4.add(v128.load(target + o), f32x4.mul(a, v128.load(other + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(target + o, load<f32>(target + o) + alpha * load<f32>(other + o));
  }
}
