import { describe } from '../checks.js';
import { formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Where a view's elements sit in its storage. */
export interface Geometry {
  shape: number[];
  strides: number[];
  offset: number;
}

/**
 * One dimension's index in {@link slice}, as Python writes it: a number (negative from the end)
 * takes one entry and drops the dimension; a string `'start:end:step'` with any part omitted
 * (`':'`, `'2:6'`, `'::-1'`), or an array `[start, end, step]` (null or missing for omitted),
 * takes a range; `'...'` stands for as many whole dimensions as needed.
 */
export type SliceSpec = number | string | readonly [number?, number?, number?] | readonly (number | null)[];

interface Range {
  start: number | null;
  end: number | null;
  step: number | null;
}

function parseRange(op: string, text: string): Range | number | 'ellipsis' {
  const trimmed = text.trim();
  if (trimmed === '...') return 'ellipsis';
  const parts = trimmed.split(':');
  const num = (p: string) => {
    const t = p.trim();
    if (t === '') return null;
    const v = Number(t);
    if (!Number.isInteger(v))
      throw new Error(`${op}: cannot read '${text}' as an index or a 'start:end:step' range`);
    return v;
  };
  if (parts.length === 1) {
    const v = num(parts[0]);
    if (v === null) throw new Error(`${op}: empty index in '${text}'`);
    return v;
  }
  if (parts.length > 3) throw new Error(`${op}: cannot read '${text}' as a 'start:end:step' range`);
  return { start: num(parts[0]), end: num(parts[1]), step: parts.length === 3 ? num(parts[2]) : null };
}

function toRange(op: string, spec: SliceSpec): Range | number | 'ellipsis' {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec)) throw new Error(`${op}: an index must be an integer, got ${spec}`);
    return spec;
  }
  if (typeof spec === 'string') return parseRange(op, spec);
  if (Array.isArray(spec)) {
    const [start = null, end = null, step = null] = spec as (number | null | undefined)[];
    for (const bound of [start, end, step]) {
      if (bound !== null && !Number.isSafeInteger(bound)) {
        throw new Error(`${op}: a range [start, end, step] holds integers or null, got ${describe(spec)}`);
      }
    }
    return { start, end, step };
  }
  throw new Error(`${op}: cannot use ${describe(spec)} as an index`);
}

/** The geometry of `x[specs]` for basic indexing, Python's clamping rules included. */
export function sliceGeometry(op: string, g: Geometry, specs: readonly SliceSpec[]): Geometry {
  const parsed = specs.map((s) => toRange(op, s));
  const ellipses = parsed.filter((p) => p === 'ellipsis').length;
  if (ellipses > 1) throw new Error(`${op}: an index can only have a single ellipsis ('...')`);
  const used = parsed.length - ellipses;
  if (used > g.shape.length) {
    throw new Error(`${op}: too many indices for a tensor of dimension ${g.shape.length} (got ${used})`);
  }
  const expanded: (Range | number)[] = [];
  for (const p of parsed) {
    if (p === 'ellipsis') {
      for (let i = 0; i < g.shape.length - used; i++) expanded.push({ start: null, end: null, step: null });
    } else expanded.push(p);
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = g.offset;
  g.shape.forEach((n, d) => {
    const s = g.strides[d];
    const spec = d < expanded.length ? expanded[d] : { start: null, end: null, step: null };
    if (typeof spec === 'number') {
      offset += resolveIndex(op, spec, d, g.shape) * s;
      return;
    }
    const step = spec.step ?? 1;
    if (step === 0) throw new Error(`${op}: slice step cannot be zero`);
    let start: number;
    let end: number;
    let length: number;
    const wrap = (v: number) => (v < 0 ? v + n : v);
    if (step > 0) {
      start = spec.start === null ? 0 : Math.min(Math.max(wrap(spec.start), 0), n);
      end = spec.end === null ? n : Math.min(Math.max(wrap(spec.end), 0), n);
      length = Math.max(0, Math.ceil((end - start) / step));
    } else {
      start = spec.start === null ? n - 1 : Math.min(Math.max(wrap(spec.start), -1), n - 1);
      end = spec.end === null ? -1 : Math.min(Math.max(wrap(spec.end), -1), n - 1);
      length = Math.max(0, Math.ceil((start - end) / -step));
    }
    if (length > 0) offset += start * s;
    shape.push(length);
    strides.push(s * step);
  });
  return { shape, strides, offset };
}

/** Entry `index` of dimension d of `shape`, negative counting from the end; out of range is an error. */
export function resolveIndex(op: string, index: number, d: number, shape: readonly number[]): number {
  const n = shape[d];
  const i = index < 0 ? index + n : index;
  if (i < 0 || i >= n) {
    throw new Error(
      `${op}: index ${index} is out of bounds for dimension ${d} with size ${n} (shape ${formatShape(shape)})`,
    );
  }
  return i;
}

/** `g` with dimension d fixed at entry i (resolved) and dropped, as an integer index slices it. */
export function selectGeometry(
  g: { readonly shape: readonly number[]; readonly strides: readonly number[]; readonly offset: number },
  d: number,
  i: number,
): Geometry {
  const shape: number[] = [];
  const strides: number[] = [];
  for (let k = 0; k < g.shape.length; k++) {
    if (k === d) continue;
    shape.push(g.shape[k]);
    strides.push(g.strides[k]);
  }
  return { shape, strides, offset: g.offset + i * g.strides[d] };
}

/** Resolves one `-1` in a requested shape against the element count. */
export function inferShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: expected a shape array, got ${describe(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < -1) {
      throw new Error(`${op}: invalid shape dimension ${describe(d)} in ${describe(shape)}`);
    }
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`${op}: only one dimension can be inferred (-1) in ${formatShape(shape)}`);
  const known = numel(shape.filter((d) => d !== -1));
  const out = [...shape];
  if (unknown === 1) {
    if (known === 0 || x.numel % known !== 0) {
      throw new Error(
        `${op}: shape ${formatShape(shape)} is invalid for input of size ${x.numel} (shape ${formatShape(x.shape)})`,
      );
    }
    out[out.indexOf(-1)] = x.numel / known;
  } else if (known !== x.numel) {
    throw new Error(
      `${op}: shape ${formatShape(shape)} is invalid for input of size ${x.numel} (shape ${formatShape(x.shape)})`,
    );
  }
  return out;
}
