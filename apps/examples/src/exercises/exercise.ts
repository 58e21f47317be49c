import { type Tensor, tensor } from '@fovea/tensor';

/** One of the chapter's exercises: a worked answer that checks itself. */
export interface Exercise {
  name: string;
  title: string;
  run(seed: number): void;
}

/** A [height, width] float32 tensor with entries f(i, j) (row i, column j). */
export function fromFunction(height: number, width: number, f: (i: number, j: number) => number): Tensor {
  return tensor(Array.from({ length: height }, (_, i) => Array.from({ length: width }, (_, j) => f(i, j))));
}

/** Prints an explanation, wrapped at the caller's line breaks. */
export function say(...lines: string[]): void {
  for (const line of lines) console.log(line);
}
