/**
 * Sigmoid and its backward over contiguous float32 arrays, four lanes at a time. The algorithm
 * and its constants are src/kernels/activation.ts's, operation for operation (that file says
 * why), so the TypeScript reference computes the same bits.
 */

import { ConvParams } from './params';

const ROUNDER: f32 = 12582912;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MAX: f32 = 100;
const EXP_MIN: f32 = -110;
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** 2^k for integer k in float32's normal exponent range, from its bits. */
@inline
function pow2(k: v128): v128 {
  return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23);
}

@inline
function expV(x: v128): v128 {
  // pmax/pmin (one instruction each) keep a NaN x as the reference's comparisons do.
  const t = f32x4.pmin(f32x4.pmax(x, f32x4.splat(EXP_MIN)), f32x4.splat(EXP_MAX));
  const rounder = f32x4.splat(ROUNDER);
  const shifted = f32x4.add(f32x4.mul(t, f32x4.splat(LOG2E)), rounder);
  // The integer k sits in the low mantissa bits of `shifted`: no float-to-int conversion needed.
  const ki = i32x4.sub(shifted, rounder);
  const k = f32x4.sub(shifted, rounder);
  const r = f32x4.sub(f32x4.sub(t, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(P0), r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  const k1 = i32x4.shr_s(ki, 1);
  return f32x4.mul(f32x4.mul(p, pow2(k1)), pow2(i32x4.sub(ki, k1)));
}

@inline
function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** out[i] = 1 / (1 + exp(-x[i])) over n floats; the tail runs in a zero-padded vector. */
export function sigmoid(x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, sigmoidV(v128.load(x + o)));
  }
  if (i < n) {
    let v = f32x4.splat(0);
    const o = <usize>i << 2;
    const lanes = n - i;
    const a = load<f32>(x + o);
    const b = lanes > 1 ? load<f32>(x + o + 4) : 0;
    const c = lanes > 2 ? load<f32>(x + o + 8) : 0;
    v = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(v, 0, a), 1, b), 2, c);
    const r = sigmoidV(v);
    store<f32>(out + o, f32x4.extract_lane(r, 0));
    if (lanes > 1) store<f32>(out + o + 4, f32x4.extract_lane(r, 1));
    if (lanes > 2) store<f32>(out + o + 8, f32x4.extract_lane(r, 2));
  }
}

/** PyTorch's sigmoid_backward: out[i] = g[i] (1 - y[i]) y[i] over n floats. */
export function sigmoidBackward(g: usize, y: usize, out: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const yv = v128.load(y + o);
    v128.store(out + o, f32x4.mul(f32x4.mul(v128.load(g + o), f32x4.sub(one, yv)), yv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const yi = load<f32>(y + o);
    store<f32>(out + o, load<f32>(g + o) * (1 - yi) * yi);
  }
}

/**
 * Work items of `sigmoid` for threads, over a parameter block: `band` floats an item (a multiple
 * of 4; the last item takes the rest) of the `n` floats at `x`, written to `y`.
 */
export function sigmoidItems(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const first = start * params.band;
  const o = <usize>first << 2;
  sigmoid(params.x + o, params.y + o, min(end * params.band, params.n) - first);
}

/**
 * Work items of `sigmoidBackward`, as `sigmoidItems`: the gradient gy at `y`, the forward's
 * result at `x`, the input gradient written to `gx`.
 */
export function sigmoidBackwardItems(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const first = start * params.band;
  const o = <usize>first << 2;
  sigmoidBackward(params.y + o, params.x + o, params.gx + o, min(end * params.band, params.n) - first);
}
