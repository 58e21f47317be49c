// Python's `'{:.Nf}'` and `'{:.Ne}'` on a double, digit for digit.
//
// Python rounds the exact binary value half to even (David Gay's dtoa, mode 0); JavaScript's
// toFixed/toExponential round exact ties away from zero ((0.03125).toFixed(4) is '0.0313', Python
// prints '0.0312'), and toFixed switches to exponent notation from 1e21. So the digits are
// computed here from the exact value mantissa * 2^exponent with BigInt arithmetic.

/** |x| as the exact fraction numerator / denominator, denominator a power of two. */
function exactFraction(x: number): { numerator: bigint; denominator: bigint } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  // Subnormals have no hidden bit and the exponent of the smallest normal.
  const mantissa = biasedExponent === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biasedExponent === 0 ? 1 : biasedExponent) - 1075;
  return exponent >= 0
    ? { numerator: mantissa << BigInt(exponent), denominator: 1n }
    : { numerator: mantissa, denominator: 1n << BigInt(-exponent) };
}

/** numerator / denominator rounded to an integer, ties to even. */
function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && quotient % 2n === 1n)) {
    return quotient + 1n;
  }
  return quotient;
}

/** Python spells non-finite values 'nan', 'inf' and '-inf' in every float format. */
function nonFinite(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}

/** Python keeps the sign of -0.0 and of negatives that round to zero ('-0.0000'). */
function signOf(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

/** Python's `format(x, '.{precision}f')`. */
export function formatFixed(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  const { numerator, denominator } = exactFraction(x);
  const scaled = roundHalfEven(numerator * 10n ** BigInt(precision), denominator);
  const digits = scaled.toString().padStart(precision + 1, '0');
  const integerPart = digits.slice(0, digits.length - precision);
  const fractionPart = digits.slice(digits.length - precision);
  return signOf(x) + integerPart + (precision > 0 ? `.${fractionPart}` : '');
}

/** Python's `format(x, '.{precision}e')`: one leading digit, exponent signed with at least two digits. */
export function formatScientific(x: number, precision: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  let decimalExponent = 0;
  let significand = 0n;
  if (x !== 0) {
    const { numerator, denominator } = exactFraction(x);
    // log10 only estimates the exponent; settle it exactly so that 10^e <= |x| < 10^(e+1).
    decimalExponent = Math.floor(Math.log10(Math.abs(x)));
    while (compareToPowerOfTen(numerator, denominator, decimalExponent) < 0) decimalExponent -= 1;
    while (compareToPowerOfTen(numerator, denominator, decimalExponent + 1) >= 0) decimalExponent += 1;
    const shift = precision - decimalExponent;
    significand =
      shift >= 0
        ? roundHalfEven(numerator * 10n ** BigInt(shift), denominator)
        : roundHalfEven(numerator, denominator * 10n ** BigInt(-shift));
    // Rounding up can carry into a new digit (9.99995 -> 10.0000): renormalise.
    if (significand === 10n ** BigInt(precision + 1)) {
      significand /= 10n;
      decimalExponent += 1;
    }
  }
  const digits = significand.toString().padStart(precision + 1, '0');
  const mantissa = digits[0] + (precision > 0 ? `.${digits.slice(1)}` : '');
  const exponentSign = decimalExponent < 0 ? '-' : '+';
  const exponentDigits = String(Math.abs(decimalExponent)).padStart(2, '0');
  return `${signOf(x)}${mantissa}e${exponentSign}${exponentDigits}`;
}

/** Sign of numerator / denominator - 10^power. */
function compareToPowerOfTen(numerator: bigint, denominator: bigint, power: number): number {
  const left = power >= 0 ? numerator : numerator * 10n ** BigInt(-power);
  const right = power >= 0 ? denominator * 10n ** BigInt(power) : denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
