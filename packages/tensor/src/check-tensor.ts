// Apart from checks.ts, which tensor.ts reaches through printing: this check needs the Tensor
// class as a value, and checks.ts importing it would close an import cycle.
import { argumentError } from './checks.js';
import { Tensor } from './tensor.js';

/** A Tensor. */
export function checkTensor(fn: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw argumentError(fn, arg, 'a Tensor', value);
  return value;
}
