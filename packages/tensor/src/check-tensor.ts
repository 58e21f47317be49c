// Apart from checks.ts, which tensor.ts reaches through printing: this check needs the Tensor
// class as a value, and checks.ts importing it would close an import cycle.
import { argumentError } from './checks.js';
import { Tensor } from './tensor.js';

/**
 * A Tensor: the check of the family in `checks.ts` for tensor arguments
 * (`fn: argument 'arg' must be a Tensor, got ...`).
 *
 * @param fn - The function checking, which starts the message.
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The tensor.
 */
export function checkTensor(fn: string, arg: string, value: unknown): Tensor {
  if (!(value instanceof Tensor)) throw argumentError(fn, arg, 'a Tensor', value);
  return value;
}
