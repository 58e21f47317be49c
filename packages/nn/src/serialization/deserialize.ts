import { describe } from '@fovea/tensor';
import { quote } from './describe.js';
import { SafetensorsError } from './errors.js';
import { checkTiling, readHeaderContents } from './header-entries.js';
import { parseHeaderText } from './header-text.js';
import { checkBoolBytes } from './layout.js';
import type { RawTensor, SafetensorsContents } from './raw-tensor.js';

/** The reference readers' limit on the JSON header (`MAX_HEADER_SIZE` in safetensors/src/tensor.rs). */
export const MAX_HEADER_SIZE = 100_000_000;

const PREFIX = 8;

/**
 * Parses a whole safetensors file: an 8-byte little-endian header length N, N bytes of JSON
 * header, then the data buffer. Every malformed input throws a `SafetensorsError`. The returned
 * tensors' `data` are views into `bytes` (no copy); `fromRaw` copies them into typed arrays.
 */
export function deserializeRaw(bytes: Uint8Array): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError(
      `safetensors: expected the file contents as a Uint8Array, got ${describe(bytes)}`,
    );
  }
  if (bytes.length < PREFIX) {
    throw new SafetensorsError(
      `safetensors: file has ${bytes.length} bytes, fewer than the 8-byte header length that starts it`,
    );
  }
  // A u64 can exceed 2^53, so it is compared as a BigInt before becoming a number.
  const declared = new DataView(bytes.buffer, bytes.byteOffset, PREFIX).getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorsError(
      `safetensors: header length ${declared} is larger than the ${MAX_HEADER_SIZE}-byte limit`,
    );
  }
  const headerLength = Number(declared);
  if (headerLength > bytes.length - PREFIX) {
    throw new SafetensorsError(
      `safetensors: header length ${headerLength} runs past the end of the file, which has only ${bytes.length - PREFIX} bytes after the length`,
    );
  }
  const header = parseHeaderText(bytes.subarray(PREFIX, PREFIX + headerLength));
  const { entries, metadata } = readHeaderContents(header);
  const data = bytes.subarray(PREFIX + headerLength);
  checkTiling(entries, data.length);
  const tensors = new Map<string, RawTensor>();
  for (const { name, dtype, shape, begin, end } of entries) {
    const tensorData = data.subarray(begin, end);
    if (dtype === 'BOOL') checkBoolBytes(tensorData, `safetensors: tensor ${quote(name)}`);
    tensors.set(name, { dtype, shape, data: tensorData });
  }
  return { tensors, metadata };
}
