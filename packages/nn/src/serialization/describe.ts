// Error messages quote values taken from untrusted files, so they are shortened: a hostile
// header must not turn into a 100 MB error message.

const MAX_QUOTED = 64;
const MAX_LISTED = 8;

/** A string as JSON (control characters visible), cut to a readable length. */
export function quote(text: string): string {
  if (text.length <= MAX_QUOTED) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, MAX_QUOTED))}... (${text.length} characters)`;
}

/** A short description of any value parsed from JSON or passed by a caller. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LISTED).map((item) => (isComposite(item) ? '...' : describe(item)));
    if (value.length > MAX_LISTED) items.push(`... (${value.length} items)`);
    return `[${items.join(', ')}]`;
  }
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isComposite(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

export { formatShape } from '@fovea/tensor';
