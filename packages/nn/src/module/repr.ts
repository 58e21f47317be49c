// Python's spelling of the values PyTorch's `extra_repr` methods print, so that a module tree
// prints character for character as it does in PyTorch.

/** Python's `repr(float)`: shortest round-trip digits, `1e-05` below 1e-4, `1.0` for whole numbers. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    return Number.isInteger(x) ? `${x.toFixed(0)}.0` : String(x);
  }
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** A value as Python's `str.format` prints it: tuples for pairs, `True`/`None`, bare strings. */
export function pyValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (Array.isArray(value)) {
    const items = value.map(pyValue);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return String(value);
}

/** `torch.nn.modules.module._addindent`: indents every line but the first. */
export function addIndent(text: string, spaces: number): string {
  const lines = text.split('\n');
  if (lines.length === 1) return text;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((line) => pad + line)].join('\n');
}

/** `nn.Module.__repr__`: `Name(extra)` on one line, else the extra lines and children indented. */
export function moduleRepr(name: string, extra: string, childLines: string[]): string {
  const extraLines = extra ? extra.split('\n') : [];
  const lines = [...extraLines, ...childLines];
  let text = `${name}(`;
  if (lines.length > 0) {
    if (extraLines.length === 1 && childLines.length === 0) text += extraLines[0];
    else text += `\n  ${lines.join('\n  ')}\n`;
  }
  return `${text})`;
}
