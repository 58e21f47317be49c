import type { Tensor } from '@fovea/tensor';
import { CliError } from './cli.js';

/** A worked answer that turned out wrong: the run stops with exit code 1. */
export class CheckError extends CliError {
  override name = 'CheckError';
}

/** Prints `✓ claim` when it holds; otherwise stops the run loudly. */
export function check(claim: string, condition: boolean, detail = ''): void {
  if (!condition) throw new CheckError(`check failed: ${claim}${detail === '' ? '' : ` (${detail})`}`);
  console.log(`✓ ${claim}`);
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Largest |a - b| - (atol + rtol |b|) over the elements, or Infinity if the shapes differ. */
export function closeness(actual: Tensor, expected: Tensor, atol: number, rtol: number): number {
  if (shapeText(actual.shape) !== shapeText(expected.shape)) return Number.POSITIVE_INFINITY;
  const [a, b] = [actual.dataSync(), expected.dataSync()];
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(Number(a[i]) - Number(b[i])) - (atol + rtol * Math.abs(Number(b[i])));
    if (!(excess <= worst)) worst = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
  }
  return worst;
}

/** Checks that two tensors have the same shape and |a - b| <= atol + rtol |b| everywhere. */
export function checkClose(claim: string, actual: Tensor, expected: Tensor, atol = 1e-5, rtol = 1e-5): void {
  const excess = closeness(actual, expected, atol, rtol);
  const detail =
    excess === Number.POSITIVE_INFINITY && shapeText(actual.shape) !== shapeText(expected.shape)
      ? `shapes ${shapeText(actual.shape)} and ${shapeText(expected.shape)}`
      : `off by ${excess.toExponential(2)} beyond atol ${atol}, rtol ${rtol}`;
  check(claim, excess <= 0, detail);
}

/** The error `fn` throws, or a failed check if it returns. */
export function thrown(claim: string, fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    check(claim, true);
    return error as Error;
  }
  throw new CheckError(`check failed: ${claim} (it did not throw)`);
}
