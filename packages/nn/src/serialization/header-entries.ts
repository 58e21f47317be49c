import { describe, formatShape, quote } from './describe.js';
import { isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { readShape, tensorByteLength } from './layout.js';

export const METADATA_KEY = '__metadata__';

/** One validated header entry; offsets are relative to the data buffer. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

export interface HeaderContents {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks every entry of a parsed header on its own: fields, dtype, shape, offsets, and that the
 * offsets span exactly the bytes the shape and dtype need. How entries sit together in the data
 * buffer is checked by `checkTiling`.
 */
export function readHeaderContents(header: Record<string, unknown>): HeaderContents {
  const entries: HeaderEntry[] = [];
  // No prototype: a metadata key "__proto__" is stored as an ordinary entry.
  const metadata: Record<string, string> = Object.create(null);
  // Object.keys lists own properties only; JSON.parse defines "__proto__" as an own property.
  for (const name of Object.keys(header)) {
    const value = header[name];
    if (name === METADATA_KEY) {
      readMetadata(value, metadata);
    } else {
      entries.push(readEntry(name, value));
    }
  }
  return { entries, metadata };
}

function readMetadata(value: unknown, into: Record<string, string>): void {
  // The reference reader accepts null here (an absent Option).
  if (value === null) return;
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      `safetensors header: ${METADATA_KEY} must be an object of string to string, got ${describe(value)}`,
    );
  }
  for (const key of Object.keys(value)) {
    const text = value[key];
    if (typeof text !== 'string') {
      throw new SafetensorsError(
        `safetensors header: ${METADATA_KEY} value for key ${quote(key)} must be a string, got ${describe(text)}`,
      );
    }
    into[key] = text;
  }
}

function readEntry(name: string, value: unknown): HeaderEntry {
  const where = `safetensors header: tensor ${quote(name)}`;
  if (!isPlainObject(value)) {
    throw new SafetensorsError(
      `${where}: expected an object with dtype, shape and data_offsets, got ${describe(value)}`,
    );
  }
  for (const field of Object.keys(value)) {
    if (!ENTRY_FIELDS.includes(field)) {
      throw new SafetensorsError(
        `${where}: unexpected field ${quote(field)}; an entry has only dtype, shape and data_offsets`,
      );
    }
  }
  for (const field of ENTRY_FIELDS) {
    if (!Object.hasOwn(value, field)) throw new SafetensorsError(`${where}: missing field ${field}`);
  }
  const dtype = value.dtype;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(
      `${where}: unsupported dtype ${describe(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`,
    );
  }
  const shape = readShape(value.shape, where);
  const [begin, end] = readOffsets(value.data_offsets, where);
  const byteLength = tensorByteLength(dtype, shape, where);
  if (end - begin !== byteLength) {
    throw new SafetensorsError(
      `${where}: ${dtype} ${formatShape(shape)} needs ${byteLength} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

function readOffsets(offsets: unknown, where: string): [number, number] {
  const ok =
    Array.isArray(offsets) &&
    offsets.length === 2 &&
    offsets.every((offset) => typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0);
  if (!ok) {
    throw new SafetensorsError(
      `${where}: data_offsets must be two non-negative integers [begin, end], got ${describe(offsets)}`,
    );
  }
  const [begin, end] = offsets as number[];
  if (end < begin) {
    throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  }
  return [begin + 0, end + 0];
}

/**
 * The reference rule (`Metadata::validate`): sorted by offset, the entries tile the data buffer
 * exactly, from 0 to its end, with no gap and no overlap. Sorts `entries` in place.
 */
export function checkTiling(entries: HeaderEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of entries) {
    const where = `safetensors header: tensor ${quote(entry.name)}`;
    const span = `data_offsets [${entry.begin}, ${entry.end}]`;
    if (entry.end > dataLength) {
      throw new SafetensorsError(
        `${where}: ${span} run past the end of the data buffer, which has ${dataLength} bytes`,
      );
    }
    if (entry.begin < cursor) {
      const other = previous!;
      throw new SafetensorsError(
        `${where}: ${span} overlap tensor ${quote(other.name)} at [${other.begin}, ${other.end}]`,
      );
    }
    if (entry.begin > cursor) {
      const after = previous
        ? `tensor ${quote(previous.name)} (which ends at ${cursor})`
        : 'the start of the data';
      throw new SafetensorsError(
        `${where}: ${span} leave a gap of ${entry.begin - cursor} bytes after ${after}`,
      );
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      `safetensors: the data buffer has ${dataLength} bytes but the tensors cover only ${cursor}; ` +
        `${dataLength - cursor} bytes at the end belong to no tensor`,
    );
  }
}
