import type { Pair, Sides, Size2 } from './types.js';

export function formatPair(p: readonly number[]): string {
  return `[${p.join(', ')}]`;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return formatPair(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

const integer = (min: number) => (min === Number.NEGATIVE_INFINITY ? 'an integer' : `an integer >= ${min}`);

/** `n` or `[h, w]` as `[h, w]`, each an integer >= min; `where` names the caller in the error. */
export function toPair(value: Size2 | undefined, what: string, min: number, where: string): Pair {
  const pair: unknown[] = typeof value === 'number' ? [value, value] : Array.isArray(value) ? value : [];
  const ok = pair.length === 2 && pair.every((v) => Number.isSafeInteger(v) && (v as number) >= min);
  if (!ok) {
    throw new RangeError(`${where}: expected ${what} as ${integer(min)} or [h, w], got ${show(value)}`);
  }
  return pair as Pair;
}

export function isSides(value: unknown): value is Sides {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Padding `[before, after]` per axis from `n`, `[h, w]` or `{top, bottom, left, right}`. */
export function toPads(value: Size2 | Sides | undefined, min: number, where: string): [Pair, Pair] {
  if (!isSides(value)) {
    const [h, w] = toPair(value ?? 0, 'padding', min, where);
    return [
      [h, h],
      [w, w],
    ];
  }
  const { top, bottom, left, right } = value;
  const sides = [top, bottom, left, right];
  if (!sides.every((v) => Number.isSafeInteger(v) && v >= min)) {
    throw new RangeError(
      `${where}: expected padding {top, bottom, left, right}, each ${integer(min)}, got ${show(value)}`,
    );
  }
  return [
    [top, bottom],
    [left, right],
  ];
}

/** Check a unit index against a map of `outputSize`. */
export function checkUnit(unit: readonly [number, number], outputSize: Pair, where: string): void {
  const ok =
    Array.isArray(unit) &&
    unit.length === 2 &&
    unit.every((u, axis) => Number.isInteger(u) && u >= 0 && u < outputSize[axis]);
  if (!ok) {
    throw new RangeError(
      `${where}: unit ${show(unit)} is not inside the output map ${formatPair(outputSize)}`,
    );
  }
}
