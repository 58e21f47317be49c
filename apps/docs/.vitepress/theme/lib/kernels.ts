import type { KernelRows } from '@fovea/kernel-presets';

export { KERNEL_PRESETS as PRESET_KERNELS } from '@fovea/kernel-presets';

/** A kernel as rows of numbers, the form a reader types: `[[1, -1]]`. */
export type Kernel = KernelRows;

export const MAX_KERNEL_SIZE = 15;

/** What is wrong with a kernel the reader typed; the playground words it in the page's language. */
export type KernelProblem =
  | { kind: 'json' }
  | { kind: 'rows' }
  | { kind: 'ragged'; width: number }
  | { kind: 'finite' }
  | { kind: 'size'; rows: number; cols: number }
  | { kind: 'fit'; rows: number; cols: number; height: number; width: number };

/** A kernel the playground cannot use; `problem` says why. */
export class KernelError extends Error {
  constructor(readonly problem: KernelProblem) {
    super(describeProblem(problem, 'en'));
    this.name = 'KernelError';
  }
}

/** The problem as a sentence in English or Simplified Chinese. */
export function describeProblem(problem: KernelProblem, lang: 'en' | 'zh'): string {
  const zh = lang === 'zh';
  switch (problem.kind) {
    case 'json':
      return zh
        ? '卷积核不是有效的 JSON，请按行写出数字，例如 [[1, -1]]'
        : 'the kernel is not valid JSON; write rows of numbers, like [[1, -1]]';
    case 'rows':
      return zh
        ? '应为若干行，例如 [[1, -1]] 或 [[0, 1], [2, 3]]'
        : 'expected a list of rows, like [[1, -1]] or [[0, 1], [2, 3]]';
    case 'ragged':
      return zh
        ? `每一行的长度必须相同且不为零（第一行有 ${problem.width} 个）`
        : `every row needs the same, non-zero length (the first has ${problem.width})`;
    case 'finite':
      return zh ? '每个元素都必须是有限的数' : 'every element must be a finite number';
    case 'size':
      return zh
        ? `卷积核最大为 ${MAX_KERNEL_SIZE} × ${MAX_KERNEL_SIZE}，这里是 ${problem.rows} × ${problem.cols}`
        : `at most ${MAX_KERNEL_SIZE} x ${MAX_KERNEL_SIZE}, got ${problem.rows} x ${problem.cols}`;
    case 'fit':
      return zh
        ? `${problem.rows} × ${problem.cols} 的卷积核放不进 ${problem.height} × ${problem.width} 的图像`
        : `the ${problem.rows} x ${problem.cols} kernel does not fit in the ${problem.height} x ${problem.width} image`;
  }
}

/** The JSON a reader types, checked: a non-empty rectangle of finite numbers, at most 15 x 15. */
export function parseKernel(text: string): Kernel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KernelError({ kind: 'json' });
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every(Array.isArray)) {
    throw new KernelError({ kind: 'rows' });
  }
  const width = value[0].length;
  if (width === 0 || value.some((row) => row.length !== width)) {
    throw new KernelError({ kind: 'ragged', width });
  }
  if (!value.every((row) => row.every((x: unknown) => typeof x === 'number' && Number.isFinite(x)))) {
    throw new KernelError({ kind: 'finite' });
  }
  if (value.length > MAX_KERNEL_SIZE || width > MAX_KERNEL_SIZE) {
    throw new KernelError({ kind: 'size', rows: value.length, cols: width });
  }
  return value as Kernel;
}

/** A kernel as one short line of JSON, for the text box. */
export function formatKernel(kernel: Kernel): string {
  const rows = kernel.map((row) => `[${row.join(', ')}]`);
  return `[${rows.join(', ')}]`;
}
