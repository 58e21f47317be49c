import { seededUniform as randomFloats } from '@fovea/golden';
import { geometry, type Workload } from './workloads.js';

export { randomFloats };

/** A workload's operands in NCHW / OIHW, for the full batch (a prefix of images is a smaller batch). */
export interface Operands {
  readonly x: Float32Array;
  readonly w: Float32Array;
  /** The upstream gradient, [N, O, outH, outW]. */
  readonly gy: Float32Array;
}

export function operands(w: Workload): Operands {
  const g = geometry(w);
  return {
    x: randomFloats(1, g.n * g.c * g.h * g.wd),
    w: randomFloats(2, g.o * g.cg * g.kh * g.kw),
    gy: randomFloats(3, g.n * g.o * g.outH * g.outW),
  };
}

/** NCHW -> NHWC. */
export function toNHWC(a: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * h * w + i) * c + ch] = a[(b * c + ch) * h * w + i];
  return out;
}

/** NHWC -> NCHW. */
export function fromNHWC(a: ArrayLike<number>, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < h * w; i++) out[(b * c + ch) * h * w + i] = a[(b * h * w + i) * c + ch];
  return out;
}

/** OIHW -> HWIO (TensorFlow's conv2d filter); for depthwise [C, 1, kh, kw] -> [kh, kw, C, 1]. */
export function toHWIO(a: Float32Array, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(o * i * kh * kw);
  for (let oc = 0; oc < o; oc++)
    for (let ic = 0; ic < i; ic++)
      for (let k = 0; k < kh * kw; k++) out[(k * i + ic) * o + oc] = a[(oc * i + ic) * kh * kw + k];
  return out;
}

export function fromHWIO(a: ArrayLike<number>, o: number, i: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(o * i * kh * kw);
  for (let oc = 0; oc < o; oc++)
    for (let ic = 0; ic < i; ic++)
      for (let k = 0; k < kh * kw; k++) out[(oc * i + ic) * kh * kw + k] = a[(k * i + ic) * o + oc];
  return out;
}
