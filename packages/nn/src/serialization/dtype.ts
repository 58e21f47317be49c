/**
 * Element types of the safetensors format that take a whole number of bytes per element. The
 * sub-byte types of newer files (F4, F6_*) are rejected on read with an "unsupported dtype" error.
 */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'F8_E5M2'
  | 'F8_E4M3'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

// The order of the reference `Dtype` enum (huggingface/safetensors, safetensors/src/tensor.rs),
// which is ascending alignment. The reference writer lays data out by descending rank, then by
// name; ours does the same so that its files match Python's byte for byte.
export const SAFETENSORS_DTYPES: readonly SafetensorsDType[] = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'F64',
  'I64',
  'U64',
];

const SIZES: ReadonlyMap<SafetensorsDType, number> = new Map<SafetensorsDType, number>([
  ['BOOL', 1],
  ['U8', 1],
  ['I8', 1],
  ['F8_E5M2', 1],
  ['F8_E4M3', 1],
  ['I16', 2],
  ['U16', 2],
  ['F16', 2],
  ['BF16', 2],
  ['I32', 4],
  ['U32', 4],
  ['F32', 4],
  ['F64', 8],
  ['I64', 8],
  ['U64', 8],
]);

// A Map, not an object: a header dtype such as "constructor" or "__proto__" must not be found.
export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && SIZES.has(value as SafetensorsDType);
}

/** Bytes per element. */
export function dtypeSize(dtype: SafetensorsDType): number {
  return SIZES.get(dtype)!;
}

/** Position in the reference enum; the writer puts higher ranks first. */
export function dtypeRank(dtype: SafetensorsDType): number {
  return SAFETENSORS_DTYPES.indexOf(dtype);
}
