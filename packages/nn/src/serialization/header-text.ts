import { describe, quote } from './describe.js';
import { SafetensorsError } from './errors.js';
import { scanJson } from './json-scan.js';

/**
 * A header nests three levels (header, entry, shape); anything deeper is junk. The bound is
 * looser than that so that junk gets a precise schema error, and tight enough that `[[[[...`
 * cannot make JSON.parse build millions of nested arrays.
 */
export const MAX_HEADER_DEPTH = 16;

// fatal: invalid UTF-8 throws instead of becoming U+FFFD. ignoreBOM: a byte-order mark stays in
// the text (and fails the '{' check) as it does for the reference reader, instead of being dropped.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes and parses the header bytes into a JSON object, without validating its entries. */
export function parseHeaderText(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new SafetensorsError(`safetensors header: the ${bytes.length} header bytes are not valid UTF-8`);
  }
  if (text.length === 0)
    throw new SafetensorsError('safetensors header: header is empty; expected a JSON object');
  if (text[0] !== '{') {
    throw new SafetensorsError(
      `safetensors header: expected a JSON object starting with '{', got ${quote(text.slice(0, 16))}`,
    );
  }
  const scan = scanJson(text, MAX_HEADER_DEPTH);
  if (scan.tooDeep) {
    throw new SafetensorsError(
      `safetensors header: JSON nests deeper than ${MAX_HEADER_DEPTH} levels; a header needs 3`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SafetensorsError(`safetensors header: not valid JSON (${reason.slice(0, 200)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError(`safetensors header: expected a JSON object, got ${describe(header)}`);
  }
  const duplicate = scan.duplicate;
  if (duplicate !== undefined) {
    const where =
      duplicate.depth === 1
        ? 'the header'
        : duplicate.depth === 2 && duplicate.parent !== undefined
          ? duplicate.parent === '__metadata__'
            ? '__metadata__'
            : `tensor ${quote(duplicate.parent)}`
          : 'a nested object';
    throw new SafetensorsError(
      `safetensors header: key ${quote(duplicate.key)} appears more than once in ${where}`,
    );
  }
  return header as Record<string, unknown>;
}
