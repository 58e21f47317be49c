export { loadGolden } from '@fovea/golden';

export interface ReprCase {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean | string)[];
  repr: string;
}

/** JSON has no nan or inf: the dumps spell them as strings. */
export function goldenValue(value: number | boolean | string): number | boolean {
  if (typeof value !== 'string') return value;
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`golden: expected a number, true/false, 'nan', 'inf' or '-inf', got '${value}'`);
}
