// One element formatter shared by the whole tensor, as torch/_tensor_str.py's `_Formatter`:
// it looks at every (summarised) value once, picks integer, fixed or scientific notation,
// and pads every element to the widest one.

import { formatFixed, formatScientific } from './decimal.js';
import type { PrintDType, ResolvedPrintOptions } from './options.js';

export class ElementFormatter {
  readonly #dtype: PrintDType;
  readonly #floating: boolean;
  readonly #precision: number;
  /** Every value is a whole number: print `19.` rather than `19.0000`. */
  #intMode = true;
  #sciMode = false;
  #width = 1;

  constructor(values: readonly number[], dtype: PrintDType, options: ResolvedPrintOptions) {
    this.#dtype = dtype;
    this.#floating = dtype === 'float32' || dtype === 'float64';
    this.#precision = options.precision;
    if (!this.#floating) {
      for (const value of values) this.#widen(this.#plain(value).length);
      return;
    }
    // nan, inf and zero take no part in choosing the notation nor the width.
    const nonzeroFinite = values.filter((value) => Number.isFinite(value) && value !== 0);
    // PyTorch returns here before applying sci_mode, so a forced mode is ignored.
    if (nonzeroFinite.length === 0) return;
    let absMin = Number.POSITIVE_INFINITY;
    let absMax = 0;
    for (const value of nonzeroFinite) {
      absMin = Math.min(absMin, Math.abs(value));
      absMax = Math.max(absMax, Math.abs(value));
    }
    this.#intMode = nonzeroFinite.every((value) => value === Math.ceil(value));
    // Fixed notation would lose the small values (range over 1000, or below 1e-4) or grow too
    // wide (over 1e8). Whole numbers are at least 1, so only fractions can fail the 1e-4 test.
    this.#sciMode = absMax / absMin > 1000 || absMax > 1e8 || absMin < 1e-4;
    for (const value of nonzeroFinite) {
      if (this.#sciMode) this.#widen(formatScientific(value, this.#precision).length);
      // The trailing '.' of integer mode.
      else if (this.#intMode) this.#widen(formatFixed(value, 0).length + 1);
      else this.#widen(formatFixed(value, this.#precision).length);
    }
    if (options.sciMode !== null) this.#sciMode = options.sciMode;
  }

  /** Characters of the widest element; every element is padded to it. */
  get width(): number {
    return this.#width;
  }

  format(value: number): string {
    let text: string;
    if (!this.#floating) text = this.#plain(value);
    else if (this.#sciMode) text = formatScientific(value, this.#precision);
    // The '.' tells a float tensor of whole numbers from an integer one; nan and inf get none.
    else if (this.#intMode) text = formatFixed(value, 0) + (Number.isFinite(value) ? '.' : '');
    else text = formatFixed(value, this.#precision);
    return text.padStart(this.#width);
  }

  #widen(length: number): void {
    this.#width = Math.max(this.#width, length);
  }

  /** Python's str() of an int or a bool. */
  #plain(value: number): string {
    if (this.#dtype === 'bool') return value !== 0 ? 'True' : 'False';
    // String() would switch to exponent notation from 1e21; Python ints never do.
    const huge = Number.isFinite(value) && !Number.isSafeInteger(value) && Number.isInteger(value);
    return huge ? BigInt(value).toString() : String(value);
  }
}
