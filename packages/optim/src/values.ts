import { noGrad } from '@fovea/autograd';
import { Tensor } from '@fovea/tensor';

/** Value helpers of the optimizer base: copying options and state, and naming what a user passed. */

/** A deep copy of an option or state value; tensors are cloned, outside any graph. */
export function copyValue(value: unknown): unknown {
  if (value instanceof Tensor) return noGrad(() => value.detach().clone());
  if (Array.isArray(value)) return value.map(copyValue);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyValue(v)]));
  }
  return value;
}

/** How an optimizer's messages name a value of the wrong kind. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

export function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/** A parameter group (`{ params, ...options }`) rather than a tensor or a list of them. */
export function isGroupInput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof Tensor) && 'params' in value;
}
