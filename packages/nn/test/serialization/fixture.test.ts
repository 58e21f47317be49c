import { describe, expect, it } from 'vitest';
import {
  deserializeRaw,
  fromRaw,
  type RawTensor,
  serializeRaw,
  toRaw,
} from '../../src/serialization/index.js';

// What `safetensors.torch.save_file(tensors, path, metadata={"format": "pt"})` writes for
//   tensors = {"conv.weight": torch.tensor([[[[1., -1.]]]]), "conv.bias": torch.tensor([0.5]),
//              "bn.num_batches_tracked": torch.tensor(7), "mask": torch.tensor([True, False, True])}
// built by hand from the format: the reference writer (safetensors/src/tensor.rs, `prepare`)
// orders data by descending dtype alignment (I64 > F32 > BOOL), then by name, and writes the
// header as compact JSON with __metadata__ first and entries in data order, padded with spaces
// to a multiple of 8 bytes.
const HEADER =
  '{"__metadata__":{"format":"pt"},' +
  '"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},' +
  '"conv.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
  '"conv.weight":{"dtype":"F32","shape":[1,1,1,2],"data_offsets":[12,20]},' +
  '"mask":{"dtype":"BOOL","shape":[3],"data_offsets":[20,23]}}';

const DATA = [
  ...[7, 0, 0, 0, 0, 0, 0, 0], // int64 7
  ...[0x00, 0x00, 0x00, 0x3f], // float32 0.5
  ...[0x00, 0x00, 0x80, 0x3f], // float32 1.0
  ...[0x00, 0x00, 0x80, 0xbf], // float32 -1.0
  ...[1, 0, 1], // bool
];

function pythonBytes(): Uint8Array {
  const padding = (8 - (HEADER.length % 8)) % 8;
  const header = HEADER + ' '.repeat(padding);
  const length = header.length; // ASCII: one byte per character
  const prefix = [length & 0xff, (length >> 8) & 0xff, 0, 0, 0, 0, 0, 0];
  return Uint8Array.from([...prefix, ...Array.from(header, (c) => c.charCodeAt(0)), ...DATA]);
}

function fixtureTensors(): Record<string, RawTensor> {
  return {
    'conv.weight': toRaw('F32', [1, 1, 1, 2], new Float32Array([1, -1])),
    'conv.bias': toRaw('F32', [1], new Float32Array([0.5])),
    'bn.num_batches_tracked': toRaw('I64', [], new BigInt64Array([7n])),
    mask: toRaw('BOOL', [3], new Uint8Array([1, 0, 1])),
  };
}

describe('compatibility with Python safetensors', () => {
  it('the fixture is what the format says: 297 header bytes padded to 304, 23 data bytes', () => {
    const bytes = pythonBytes();
    expect(HEADER.length).toBe(297);
    expect(bytes.length).toBe(8 + 304 + 23);
    expect(new TextDecoder().decode(bytes.subarray(8 + 297, 8 + 304))).toBe('       ');
  });

  it('our writer produces the same bytes as Python for the same dict', () => {
    expect(serializeRaw(fixtureTensors(), { format: 'pt' })).toEqual(pythonBytes());
  });

  it('our reader parses the Python bytes', () => {
    const { tensors, metadata } = deserializeRaw(pythonBytes());
    expect({ ...metadata }).toEqual({ format: 'pt' });
    expect([...tensors.keys()]).toEqual(['bn.num_batches_tracked', 'conv.bias', 'conv.weight', 'mask']);
    expect(fromRaw(tensors.get('bn.num_batches_tracked')!)).toEqual({
      dtype: 'I64',
      shape: [],
      values: new BigInt64Array([7n]),
    });
    expect(fromRaw(tensors.get('conv.weight')!)).toEqual({
      dtype: 'F32',
      shape: [1, 1, 1, 2],
      values: new Float32Array([1, -1]),
    });
    expect(fromRaw(tensors.get('conv.bias')!).values).toEqual(new Float32Array([0.5]));
    expect(fromRaw(tensors.get('mask')!).values).toEqual(new Uint8Array([1, 0, 1]));
  });

  it('without metadata Python writes no __metadata__ key and, here, no padding', () => {
    const header = '{"x.y":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}';
    expect(header.length % 8).toBe(0);
    const expected = Uint8Array.from([
      header.length,
      ...[0, 0, 0, 0, 0, 0, 0],
      ...Array.from(header, (c) => c.charCodeAt(0)),
      ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f], // float64 1.0
    ]);
    expect(serializeRaw({ 'x.y': toRaw('F64', [1], new Float64Array([1])) })).toEqual(expected);
    expect(fromRaw(deserializeRaw(expected).tensors.get('x.y')!).values).toEqual(new Float64Array([1]));
  });

  it('reads headers padded with any JSON whitespace and entries in any order', () => {
    const header =
      '{"b":{"data_offsets":[4,8],"shape":[1],"dtype":"I32"},"a":{"shape":[1],"dtype":"I32","data_offsets":[0,4]}}\t\r\n ';
    const bytes = Uint8Array.from([
      header.length,
      ...[0, 0, 0, 0, 0, 0, 0],
      ...Array.from(header, (c) => c.charCodeAt(0)),
      ...[1, 0, 0, 0, 2, 0, 0, 0],
    ]);
    const { tensors } = deserializeRaw(bytes);
    expect([...tensors.keys()]).toEqual(['a', 'b']);
    expect(fromRaw(tensors.get('b')!).values).toEqual(new Int32Array([2]));
  });
});

/** A reader written from the spec alone, sharing no code with ours. */
function minimalReader(
  bytes: Uint8Array,
): Record<string, { dtype: string; shape: number[]; data: number[] }> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = Number(buffer.readBigUInt64LE(0));
  const header = JSON.parse(buffer.subarray(8, 8 + n).toString('utf8'));
  const out: Record<string, { dtype: string; shape: number[]; data: number[] }> = {};
  for (const [name, info] of Object.entries<{
    dtype: string;
    shape: number[];
    data_offsets: [number, number];
  }>(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    out[name] = {
      dtype: info.dtype,
      shape: info.shape,
      data: [...buffer.subarray(8 + n + begin, 8 + n + end)],
    };
  }
  return out;
}

describe('our writer, read by an independent reader', () => {
  it('gives every tensor its dtype, shape and bytes, with data starting 8-byte aligned', () => {
    const tensors = fixtureTensors();
    tensors['odd name "quoted"'] = toRaw('I32', [2], new Int32Array([-1, 256]));
    const bytes = serializeRaw(tensors, { note: 'ünïcode' });
    expect(Number(Buffer.from(bytes).readBigUInt64LE(0)) % 8).toBe(0);
    const read = minimalReader(bytes);
    expect(Object.keys(read).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, raw] of Object.entries(tensors)) {
      expect(read[name]).toEqual({ dtype: raw.dtype, shape: raw.shape, data: [...raw.data] });
    }
    expect(read['odd name "quoted"'].data).toEqual([0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0]);
  });
});
