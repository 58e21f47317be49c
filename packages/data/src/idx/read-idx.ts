// The IDX format of LeCun's MNIST files (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS"):
// two zero bytes, a type code, the number of dimensions, each dimension as a big-endian uint32,
// then the values, big-endian, row-major. Every size is checked against the bytes actually there
// before anything is allocated, so a corrupt header cannot ask for gigabytes.

import { argumentError } from '@fovea/tensor';
import { isGzip } from './gzip.js';

/** The values of an IDX file, in the array its type code names (unsigned byte, byte, short, int, float, double). */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX file's contents: its shape and its values, row-major. */
export interface IdxArray {
  /** The dimensions the header gives. */
  shape: number[];
  /** The values, row-major. */
  data: IdxData;
}

/** Decompresses gzip bytes synchronously; absent where the platform has no synchronous inflate. */
export type GunzipSync = (bytes: Uint8Array) => Uint8Array;

/** The optional argument of `readIdx`. */
export interface ReadIdxOptions {
  /** How the bytes are named in errors (a file path, usually). */
  name?: string;
}

interface IdxType {
  code: number;
  name: string;
  size: number;
  read(view: DataView, offset: number): number;
  make(length: number): IdxData;
}

const TYPES: readonly IdxType[] = [
  { code: 0x08, name: 'ubyte', size: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  { code: 0x09, name: 'byte', size: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  { code: 0x0b, name: 'short', size: 2, read: (v, o) => v.getInt16(o), make: (n) => new Int16Array(n) },
  { code: 0x0c, name: 'int', size: 4, read: (v, o) => v.getInt32(o), make: (n) => new Int32Array(n) },
  { code: 0x0d, name: 'float', size: 4, read: (v, o) => v.getFloat32(o), make: (n) => new Float32Array(n) },
  { code: 0x0e, name: 'double', size: 8, read: (v, o) => v.getFloat64(o), make: (n) => new Float64Array(n) },
];

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** Reads raw (uncompressed) IDX bytes; `gunzip` handles gzip-compressed ones where given; `fn` names the caller in errors. */
export function parseIdx(bytes: Uint8Array, name: string, gunzip?: GunzipSync, fn = 'readIdx'): IdxArray {
  // The name goes into every message below: anything but a string could not be written there.
  if (typeof name !== 'string') throw argumentError(fn, 'name', 'a string', name);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${fn}: expected the bytes of '${name}' as a Uint8Array, got ${describe(bytes)}`);
  }
  if (isGzip(bytes)) {
    if (gunzip === undefined) {
      throw new Error(
        `${fn}: '${name}' is gzip-compressed and this platform has no synchronous gunzip; ` +
          'decompress it first with `await decompress(bytes)`',
      );
    }
    let raw: Uint8Array;
    try {
      raw = gunzip(bytes);
    } catch (error) {
      throw new Error(`${fn}: '${name}' is a corrupt gzip file (${(error as Error).message})`);
    }
    return parseIdx(raw, name, undefined, fn);
  }
  if (bytes.length < 4) {
    throw new Error(
      `${fn}: '${name}' is too short for an IDX file (${bytes.length} bytes, the header alone is 4)`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), hex).join(' ');
    throw new Error(
      `${fn}: '${name}' is not an IDX file: bad magic number ${magic} (expected 0x00 0x00 <type> <dims>)`,
    );
  }
  const type = TYPES.find((t) => t.code === bytes[2]);
  if (type === undefined) {
    throw new Error(
      `${fn}: '${name}' has an unknown IDX type code ${hex(bytes[2])} (expected one of ${TYPES.map((t) => `${hex(t.code)} ${t.name}`).join(', ')})`,
    );
  }
  const ndim = bytes[3];
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) {
    throw new Error(
      `${fn}: '${name}' is truncated: its header declares ${ndim} dimensions (${headerSize} bytes) but the file has ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * type.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'too long';
    throw new Error(
      `${fn}: '${name}' is ${what}: dims [${shape.join(', ')}] of ${type.name} need ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  const data = type.make(count);
  if (type.size === 1)
    data.set(
      type.code === 0x08
        ? bytes.subarray(headerSize)
        : new Int8Array(bytes.buffer, bytes.byteOffset + headerSize, count),
    );
  else for (let i = 0; i < count; i++) data[i] = type.read(view, headerSize + i * type.size);
  return { shape, data };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'an object';
}
