import { describe, formatShape, quote } from './describe.js';
import { MAX_HEADER_SIZE } from './deserialize.js';
import { dtypeRank, isSafetensorsDType, SAFETENSORS_DTYPES } from './dtype.js';
import { SafetensorsError } from './errors.js';
import { METADATA_KEY } from './header-entries.js';
import { checkBoolBytes, readShape, tensorByteLength } from './layout.js';
import type { RawTensor } from './raw-tensor.js';
import { compareUtf8, loneSurrogateIndex } from './unicode.js';

interface Prepared {
  name: string;
  tensor: RawTensor;
  shape: number[];
}

const utf8 = new TextEncoder();

function checkText(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string')
    throw new SafetensorsError(`serializeRaw: ${what} must be a string, got ${describe(text)}`);
  const at = loneSurrogateIndex(text);
  if (at >= 0) {
    // Rust's JSON reader rejects the escaped lone surrogate JSON.stringify would write.
    throw new SafetensorsError(`serializeRaw: ${what} ${quote(text)} has a lone surrogate at index ${at}`);
  }
}

function prepare(name: string, tensor: RawTensor): Prepared {
  checkText(name, 'a tensor name');
  if (name === '') throw new SafetensorsError('serializeRaw: a tensor name must not be empty');
  if (name === METADATA_KEY) {
    throw new SafetensorsError(
      `serializeRaw: ${METADATA_KEY} is reserved for metadata and cannot name a tensor`,
    );
  }
  const where = `serializeRaw: tensor ${quote(name)}`;
  if (typeof tensor !== 'object' || tensor === null) {
    throw new SafetensorsError(`${where}: expected {dtype, shape, data}, got ${describe(tensor)}`);
  }
  if (!isSafetensorsDType(tensor.dtype)) {
    throw new SafetensorsError(
      `${where}: unsupported dtype ${describe(tensor.dtype)}; expected one of ${SAFETENSORS_DTYPES.join(', ')}`,
    );
  }
  const shape = readShape(tensor.shape, where);
  const byteLength = tensorByteLength(tensor.dtype, shape, where);
  if (!(tensor.data instanceof Uint8Array)) {
    throw new SafetensorsError(
      `${where}: data must be a Uint8Array of little-endian bytes (toRaw converts typed arrays), got ${describe(tensor.data)}`,
    );
  }
  if (tensor.data.length !== byteLength) {
    throw new SafetensorsError(
      `${where}: ${tensor.dtype} ${formatShape(shape)} needs ${byteLength} bytes, got ${tensor.data.length}`,
    );
  }
  if (tensor.dtype === 'BOOL') checkBoolBytes(tensor.data, where);
  return { name, tensor, shape };
}

function metadataJson(metadata: Record<string, string>): string {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new SafetensorsError(
      `serializeRaw: metadata must be an object of string to string, got ${describe(metadata)}`,
    );
  }
  const keys = Object.keys(metadata).sort(compareUtf8);
  const fields = keys.map((key) => {
    checkText(key, 'a metadata key');
    const value = metadata[key];
    checkText(value, `metadata value for key ${quote(key)}`);
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${fields.join(',')}}`;
}

/**
 * Writes tensors (and optional string metadata) as a safetensors file, laid out as the reference
 * writer does: `__metadata__` first, data ordered by descending dtype alignment then by name, the
 * header padded with spaces to a multiple of 8 bytes. The same dict gives the same bytes as
 * Python's `safetensors.torch.save`, metadata keys aside (we sort them; Python's order is a hash map's).
 */
export function serializeRaw(
  tensors: Record<string, RawTensor> | ReadonlyMap<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  if (typeof tensors !== 'object' || tensors === null || Array.isArray(tensors)) {
    throw new SafetensorsError(`serializeRaw: expected an object of tensors, got ${describe(tensors)}`);
  }
  const named: [string, RawTensor][] =
    tensors instanceof Map
      ? [...tensors]
      : Object.keys(tensors).map((name) => [name, (tensors as Record<string, RawTensor>)[name]]);
  const prepared = named.map(([name, tensor]) => prepare(name, tensor));
  prepared.sort(
    (a, b) => dtypeRank(b.tensor.dtype) - dtypeRank(a.tensor.dtype) || compareUtf8(a.name, b.name),
  );

  const fields: string[] = [];
  if (metadata !== undefined) fields.push(`"${METADATA_KEY}":${metadataJson(metadata)}`);
  let offset = 0;
  for (const { name, tensor, shape } of prepared) {
    const end = offset + tensor.data.length;
    fields.push(
      `${JSON.stringify(name)}:{"dtype":"${tensor.dtype}","shape":[${shape.join(',')}],"data_offsets":[${offset},${end}]}`,
    );
    offset = end;
  }
  const json = utf8.encode(`{${fields.join(',')}}`);
  // Spaces pad the header so that the data starts on an 8-byte boundary.
  const headerLength = json.length + ((8 - (json.length % 8)) % 8);
  if (headerLength > MAX_HEADER_SIZE) {
    throw new SafetensorsError(
      `serializeRaw: header would take ${headerLength} bytes, more than the ${MAX_HEADER_SIZE} readers accept`,
    );
  }

  const total = 8 + headerLength + offset;
  let out: Uint8Array;
  try {
    out = new Uint8Array(total);
  } catch {
    throw new SafetensorsError(`serializeRaw: cannot allocate a ${total}-byte file in one buffer`);
  }
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const { tensor } of prepared) {
    out.set(tensor.data, position);
    position += tensor.data.length;
  }
  return out;
}
