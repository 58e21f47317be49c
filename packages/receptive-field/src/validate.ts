import { argumentError, describe } from '@fovea/tensor';
import type { Pair, Sides, Size2 } from './types.js';

export function formatPair(p: readonly number[]): string {
  return `[${p.join(', ')}]`;
}

/** A value as errors show it: `[3, 0]`, `{"kernel":3}`, `x`; anything else as the check family does. */
export function show(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return formatPair(value);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    try {
      return JSON.stringify(value);
    } catch {
      return describe(value);
    }
  }
  return typeof value === 'object' || typeof value === 'function' ? describe(value) : String(value);
}

/** Throws unless `graph` is `{ nodes, output? }` with nodes `{ id, name, type, inputs, op: { kind } }`. */
export function checkGraph(graph: unknown, where: string): void {
  const rule = 'a graph { nodes: [{ id, name, type, inputs, op }], output? }';
  if (typeof graph !== 'object' || graph === null) throw argumentError(where, 'graph', rule, graph);
  const { nodes, output } = graph as { nodes?: unknown; output?: unknown };
  if (!Array.isArray(nodes)) throw argumentError(where, 'graph.nodes', 'an array of nodes', nodes);
  if (output !== undefined && typeof output !== 'string') {
    throw argumentError(where, 'graph.output', 'a node id (a string)', output);
  }
  nodes.forEach((node: unknown, i) => {
    const at = `graph.nodes[${i}]`;
    if (typeof node !== 'object' || node === null) throw argumentError(where, at, 'a node object', node);
    const { id, name, inputs, op } = node as Record<string, unknown>;
    if (typeof id !== 'string') throw argumentError(where, `${at}.id`, 'a string', id);
    if (name !== undefined && typeof name !== 'string')
      throw argumentError(where, `${at}.name`, 'a string', name);
    if (!Array.isArray(inputs) || !inputs.every((input) => typeof input === 'string')) {
      throw argumentError(where, `${at}.inputs`, 'an array of node ids', inputs);
    }
    if (typeof op !== 'object' || op === null || typeof (op as { kind?: unknown }).kind !== 'string') {
      throw argumentError(where, `${at}.op`, "an op { kind: 'conv' | 'pool' | ... }", op);
    }
  });
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
