import type { Pair, Sides, Size2 } from './types.js';
import { formatPair, show, toPads, toPair } from './validate.js';

/** One layer along one axis. A `pad` or elementwise op is kernel 1, stride 1. */
export interface AxisOp {
  kernel: number;
  stride: number;
  padBefore: number;
  padAfter: number;
  dilation: number;
  ceilMode: boolean;
}

/** A dilated kernel covers d(k - 1) + 1 pixels (Araujo et al., 2019, eq. for dilation). */
export function effectiveKernel(op: AxisOp): number {
  return op.dilation * (op.kernel - 1) + 1;
}

/**
 * PyTorch's output length: floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1. In ceil mode
 * the division rounds up, and the last window is dropped if it would start in the right padding:
 * if (out - 1) * s >= n + p_before then out -= 1 (aten/src/ATen/native/Pool.h,
 * pooling_output_shape_pad_lr).
 */
export function outputLength(n: number, op: AxisOp): number {
  const span = n + op.padBefore + op.padAfter - effectiveKernel(op);
  if (!op.ceilMode) return Math.floor(span / op.stride) + 1;
  let out = Math.ceil(span / op.stride) + 1;
  if ((out - 1) * op.stride >= n + op.padBefore) out -= 1;
  return out;
}

/** Along one axis, unit x of a map sees input pixels x * jump + lo ... x * jump + hi. */
export interface AxisField {
  jump: number;
  lo: number;
  hi: number;
}

/** The input itself: each pixel sees itself. */
export const PIXEL: AxisField = { jump: 1, lo: 0, hi: 0 };

/**
 * Araujo et al. (Distill, 2019), per layer l with effective kernel k_eff and S_0 = 1, r_0 = 1:
 *   r_l = r_{l-1} + (k_eff - 1) * S_{l-1},  S_l = S_{l-1} * s_l,  P_l = P_{l-1} + p_l * S_{l-1}.
 * Unit 0 reads units -p .. k_eff - 1 - p of the previous map, so with lo = -P and hi = lo + r - 1
 * this is lo_l = lo_{l-1} - p * S_{l-1} and hi_l = hi_{l-1} + (k_eff - 1 - p) * S_{l-1}.
 */
export function throughOp(field: AxisField, op: AxisOp): AxisField {
  return {
    jump: field.jump * op.stride,
    lo: field.lo - op.padBefore * field.jump,
    hi: field.hi + (effectiveKernel(op) - 1 - op.padBefore) * field.jump,
  };
}

/** Receptive field size r, effective padding P (0 - lo, so never -0) and centre of unit 0. */
export function describe(field: AxisField): { size: number; padding: number; start: number } {
  return { size: field.hi - field.lo + 1, padding: 0 - field.lo, start: (field.lo + field.hi) / 2 };
}

export type WindowKind = 'conv' | 'pool' | 'pad' | 'identity';

export interface WindowSpec {
  kernel?: Size2;
  stride?: Size2;
  padding?: Size2 | Sides;
  dilation?: Size2;
  ceilMode?: boolean;
}

/** A windowed op resolved per axis, with the `[h, w]` values a table shows. */
export interface ResolvedOp {
  axes: [AxisOp, AxisOp];
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
}

const UNIT: ResolvedOp = {
  axes: [
    { kernel: 1, stride: 1, padBefore: 0, padAfter: 0, dilation: 1, ceilMode: false },
    { kernel: 1, stride: 1, padBefore: 0, padAfter: 0, dilation: 1, ceilMode: false },
  ],
  kernel: [1, 1],
  stride: [1, 1],
  padding: [0, 0],
  dilation: [1, 1],
};

/** Check a conv / pool / pad op and resolve PyTorch's defaults; `where` prefixes every error. */
export function resolveOp(kind: WindowKind, spec: WindowSpec, where: string): ResolvedOp {
  if (kind === 'identity') return UNIT;
  if (kind === 'pad') {
    if (spec.kernel !== undefined || spec.stride !== undefined || spec.dilation !== undefined) {
      throw new TypeError(`${where}: a pad takes only padding, got ${show(spec)}`);
    }
    const pads = toPads(spec.padding, Number.NEGATIVE_INFINITY, where);
    return {
      ...UNIT,
      axes: [0, 1].map((a) => ({ ...UNIT.axes[a], padBefore: pads[a][0], padAfter: pads[a][1] })) as [
        AxisOp,
        AxisOp,
      ],
      padding: [pads[0][0], pads[1][0]],
    };
  }
  const kernel = toPair(spec.kernel, 'kernel', 1, where);
  const stride = toPair(spec.stride ?? (kind === 'pool' ? kernel : 1), 'stride', 1, where);
  const dilation = toPair(spec.dilation ?? 1, 'dilation', 1, where);
  const pads = toPads(spec.padding, 0, where);
  const ceilMode = spec.ceilMode ?? false;
  if (ceilMode && kind !== 'pool') throw new TypeError(`${where}: ceilMode applies to pooling only`);
  const axes = [0, 1].map((a) => ({
    kernel: kernel[a],
    stride: stride[a],
    padBefore: pads[a][0],
    padAfter: pads[a][1],
    dilation: dilation[a],
    ceilMode,
  })) as [AxisOp, AxisOp];
  if (kind === 'pool') {
    // PyTorch: "pad should be at most half of effective kernel size".
    const half = axes.map((op) => Math.floor(effectiveKernel(op) / 2));
    if (axes.some((op, a) => Math.max(op.padBefore, op.padAfter) > half[a])) {
      throw new RangeError(
        `${where}: pooling padding must be at most half the effective kernel ${formatPair(half)}, ` +
          `got ${show(spec.padding)}`,
      );
    }
  }
  return { axes, kernel, stride, padding: [pads[0][0], pads[1][0]], dilation };
}
