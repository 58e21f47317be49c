import type { Operands } from './data.js';
import { geometry, type Pass, type Workload } from './workloads.js';

/**
 * Checks a peer's output against float64 sums computed here from the definition, at sampled
 * elements (every element for small outputs): |a - b| <= 1e-3 * sum |terms| + 1e-5, a bound
 * float32 accumulation meets and any layout or indexing error breaks.
 */

export interface CheckResult {
  readonly ok: boolean;
  readonly checked: number;
  /** Worst |a - b| / (sum |terms| + 1e-2). */
  readonly worst: number;
  readonly message: string;
}

const SAMPLES = 400;

/** Outputs of one pass in Fovea's layout: y NCHW, gx NCHW, gw OIHW. */
export function check(
  w: Workload,
  pass: Pass,
  batch: number,
  data: Operands,
  out: ArrayLike<number>,
): CheckResult {
  const g = geometry(w, batch);
  const { x, w: wt, gy } = data;
  const p = w.padding;
  const s = w.stride;
  const og = g.o / w.groups;
  const xAt = (n: number, c: number, i: number, j: number) =>
    i < 0 || i >= g.h || j < 0 || j >= g.wd ? 0 : x[((n * g.c + c) * g.h + i) * g.wd + j];
  const wAt = (o: number, c: number, ki: number, kj: number) => wt[((o * g.cg + c) * g.kh + ki) * g.kw + kj];
  const gyAt = (n: number, o: number, i: number, j: number) => gy[((n * g.o + o) * g.outH + i) * g.outW + j];
  let exact: (index: number) => [number, number];
  let count: number;
  if (pass === 'forward') {
    count = batch * g.o * g.outH * g.outW;
    exact = (index) => {
      const j = index % g.outW;
      const i = Math.floor(index / g.outW) % g.outH;
      const o = Math.floor(index / (g.outW * g.outH)) % g.o;
      const n = Math.floor(index / (g.outW * g.outH * g.o));
      const group = Math.floor(o / og);
      let sum = 0;
      let abs = 0;
      for (let c = 0; c < g.cg; c++)
        for (let ki = 0; ki < g.kh; ki++)
          for (let kj = 0; kj < g.kw; kj++) {
            const t = xAt(n, group * g.cg + c, i * s - p + ki, j * s - p + kj) * wAt(o, c, ki, kj);
            sum += t;
            abs += Math.abs(t);
          }
      return [sum, abs];
    };
  } else if (pass === 'dX') {
    count = batch * g.c * g.h * g.wd;
    exact = (index) => {
      const iw = index % g.wd;
      const ih = Math.floor(index / g.wd) % g.h;
      const c = Math.floor(index / (g.wd * g.h)) % g.c;
      const n = Math.floor(index / (g.wd * g.h * g.c));
      const group = Math.floor(c / g.cg);
      const cl = c - group * g.cg;
      let sum = 0;
      let abs = 0;
      for (let o = group * og; o < (group + 1) * og; o++)
        for (let ki = 0; ki < g.kh; ki++)
          for (let kj = 0; kj < g.kw; kj++) {
            const ti = ih + p - ki;
            const tj = iw + p - kj;
            if (ti % s !== 0 || tj % s !== 0) continue;
            const i = ti / s;
            const j = tj / s;
            if (i < 0 || i >= g.outH || j < 0 || j >= g.outW) continue;
            const t = gyAt(n, o, i, j) * wAt(o, cl, ki, kj);
            sum += t;
            abs += Math.abs(t);
          }
      return [sum, abs];
    };
  } else {
    count = g.o * g.cg * g.kh * g.kw;
    exact = (index) => {
      const kj = index % g.kw;
      const ki = Math.floor(index / g.kw) % g.kh;
      const cl = Math.floor(index / (g.kw * g.kh)) % g.cg;
      const o = Math.floor(index / (g.kw * g.kh * g.cg));
      const c = Math.floor(o / og) * g.cg + cl;
      let sum = 0;
      let abs = 0;
      for (let n = 0; n < batch; n++)
        for (let i = 0; i < g.outH; i++)
          for (let j = 0; j < g.outW; j++) {
            const t = gyAt(n, o, i, j) * xAt(n, c, i * s - p + ki, j * s - p + kj);
            sum += t;
            abs += Math.abs(t);
          }
      return [sum, abs];
    };
  }
  if (out.length !== count) {
    return {
      ok: false,
      checked: 0,
      worst: Number.POSITIVE_INFINITY,
      message: `${out.length} outputs, expected ${count}`,
    };
  }
  const step = Math.max(1, Math.floor(count / SAMPLES));
  let worst = 0;
  let message = 'ok';
  let ok = true;
  let checked = 0;
  for (let index = (step >> 1) % count; index < count; index += step) {
    const [sum, abs] = exact(index);
    const err = Math.abs(out[index] - sum);
    worst = Math.max(worst, err / (abs + 1e-2));
    checked++;
    if (!(err <= 1e-3 * abs + 1e-5) && ok) {
      ok = false;
      message = `element ${index}: ${out[index]}, expected ${sum}`;
    }
  }
  return { ok, checked, worst, message };
}
