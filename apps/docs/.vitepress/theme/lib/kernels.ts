import type { KernelRows } from '@fovea/kernel-presets';

export { KERNEL_PRESETS as PRESET_KERNELS } from '@fovea/kernel-presets';

/** A kernel as rows of numbers, the form a reader types: `[[1, -1]]`. */
export type Kernel = KernelRows;

export const MAX_KERNEL_SIZE = 15;

/** The JSON a reader types, checked: a non-empty rectangle of finite numbers, at most 15 x 15. */
export function parseKernel(text: string): Kernel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the kernel is not valid JSON; write rows of numbers, like [[1, -1]]');
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new Error('expected a list of rows, like [[1, -1]] or [[0, 1], [2, 3]]');
  }
  const width = value[0].length;
  if (width === 0 || value.some((row) => row.length !== width)) {
    throw new Error(`every row needs the same, non-zero length (the first has ${width})`);
  }
  if (!value.every((row) => row.every((x: unknown) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new Error('every element must be a finite number');
  }
  if (value.length > MAX_KERNEL_SIZE || width > MAX_KERNEL_SIZE) {
    throw new Error(`at most ${MAX_KERNEL_SIZE} x ${MAX_KERNEL_SIZE}, got ${value.length} x ${width}`);
  }
  return value as Kernel;
}

/** A kernel as one short line of JSON, for the text box. */
export function formatKernel(kernel: Kernel): string {
  const rows = kernel.map((row) => `[${row.join(', ')}]`);
  return `[${rows.join(', ')}]`;
}
