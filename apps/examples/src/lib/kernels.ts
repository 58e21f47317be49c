import { KERNEL_PRESETS } from '@fovea/kernel-presets';
import { type Tensor, tensor } from '@fovea/tensor';
import { UsageError } from './cli.js';

/** The kernels `--kernel` takes by name. */
export const NAMED_KERNELS = KERNEL_PRESETS;

function isNumberRow(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => typeof v === 'number' && Number.isFinite(v))
  );
}

/**
 * A kernel from `--kernel`: a name from NAMED_KERNELS, or JSON, a row `[1,-1]` or a matrix
 * `[[0,1],[2,3]]` of finite numbers.
 */
export function parseKernel(where: string, spec: string): Tensor {
  const named = NAMED_KERNELS[spec];
  if (named !== undefined) return tensor(named);
  const expected = `one of ${Object.keys(NAMED_KERNELS).join(', ')}, or a JSON array such as [1,-1] or [[0,1],[2,3]]`;
  if (!spec.trim().startsWith('[')) {
    throw new UsageError(`${where}: --kernel must be ${expected}, got '${spec}'`);
  }
  let value: unknown;
  try {
    value = JSON.parse(spec);
  } catch (error) {
    throw new UsageError(`${where}: --kernel: bad JSON '${spec}': ${(error as Error).message}`);
  }
  const rows = isNumberRow(value) ? [value] : value;
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isNumberRow)) {
    throw new UsageError(
      `${where}: --kernel: expected a non-empty array of finite numbers or of rows, got '${spec}'`,
    );
  }
  if (rows.some((row) => row.length !== rows[0].length)) {
    throw new UsageError(`${where}: --kernel: rows have different lengths in '${spec}'`);
  }
  return tensor(rows);
}
