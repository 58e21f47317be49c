import { describe, expect, it } from 'vitest';
import {
  deserializeRaw,
  fromRaw,
  type RawTensor,
  type SafetensorsDType,
  serializeRaw,
  type TypedValues,
  toRaw,
} from '../../src/serialization/index.js';
import {
  expectPrototypesClean,
  expectSafetensorsError,
  fileFromHeader,
  prototypeSnapshot,
} from './helpers.js';

const I32_2X2 = '{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}';
const ZEROS16 = new Array(16).fill(0);

describe('deserializeRaw: the length prefix', () => {
  it('rejects a file shorter than 8 bytes', () => {
    expectSafetensorsError(
      () => deserializeRaw(new Uint8Array(0)),
      /file has 0 bytes, fewer than the 8-byte header length/,
    );
    expectSafetensorsError(() => deserializeRaw(new Uint8Array(7)), /file has 7 bytes/);
  });

  it('rejects a header length of 2^63, or just past 100 MB, before looking further', () => {
    const file = fileFromHeader(`{"t":${I32_2X2}}`, ZEROS16, 2n ** 63n);
    expectSafetensorsError(
      () => deserializeRaw(file),
      /header length 9223372036854775808 is larger than the 100000000-byte limit/,
    );
    const max = fileFromHeader('{}', [], 2n ** 64n - 1n);
    expectSafetensorsError(() => deserializeRaw(max), /header length 18446744073709551615 is larger/);
    const justOver = fileFromHeader('{}', [], 100_000_001n);
    expectSafetensorsError(
      () => deserializeRaw(justOver),
      /header length 100000001 is larger than the 100000000-byte limit/,
    );
  });

  it('rejects a header length that runs one byte past the end of the file', () => {
    const good = fileFromHeader('{}      ');
    expect(deserializeRaw(good).tensors.size).toBe(0);
    const file = fileFromHeader('{}      ', [], 9n);
    expectSafetensorsError(
      () => deserializeRaw(file),
      /header length 9 runs past the end of the file, which has only 8 bytes/,
    );
  });

  it('rejects non-Uint8Array input', () => {
    expectSafetensorsError(
      () => deserializeRaw([1, 2, 3] as unknown as Uint8Array),
      /expected the file contents as a Uint8Array/,
    );
  });
});

describe('deserializeRaw: the header text', () => {
  it.each([
    ['invalid UTF-8', new Uint8Array([0xff, 0xfe]), /header bytes are not valid UTF-8/],
    ['a truncated UTF-8 sequence', new Uint8Array([0x7b, 0xe2, 0x82]), /not valid UTF-8/],
    [
      'a UTF-8 byte-order mark',
      new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      /expected a JSON object starting with '\{', got "\ufeff\{\}"/,
    ],
    ['an empty header', new Uint8Array(0), /header is empty/],
  ])('rejects %s', (_, header, pattern) => {
    const file = new Uint8Array(8 + header.length);
    file[0] = header.length;
    file.set(header, 8);
    expectSafetensorsError(() => deserializeRaw(file), pattern);
  });

  it.each([
    ['not JSON', '{"t":', /not valid JSON/],
    ['JSON with trailing junk', '{} x', /not valid JSON/],
    ['NUL padding', '{}\0\0', /not valid JSON/],
    ['an array', '[1, 2]', /expected a JSON object starting with '\{', got "\[1, 2\]"/],
    ['a string', '"{}"', /expected a JSON object starting with '\{'/],
    ['leading whitespace', ' {}', /expected a JSON object starting with '\{', got " \{\}"/],
    [
      'deep nesting',
      `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      /JSON nests deeper than 16 levels/,
    ],
    [
      'a duplicate tensor name',
      `{"t":${I32_2X2},"t":${I32_2X2}}`,
      /key "t" appears more than once in the header/,
    ],
    [
      'a duplicate spelled with an escape',
      `{"t":${I32_2X2},"\\u0074":${I32_2X2}}`,
      /key "t" appears more than once in the header/,
    ],
    [
      'a duplicate field',
      '{"t":{"dtype":"I32","dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}',
      /key "dtype" appears more than once in tensor "t"/,
    ],
    [
      'a duplicate metadata key',
      '{"__metadata__":{"a":"1","a":"2"}}',
      /key "a" appears more than once in __metadata__/,
    ],
    [
      'two __metadata__',
      '{"__metadata__":{},"__metadata__":{}}',
      /key "__metadata__" appears more than once in the header/,
    ],
  ])('rejects %s', (_, header, pattern) => {
    expectSafetensorsError(() => deserializeRaw(fileFromHeader(header)), pattern);
  });

  it('does not mistake keys inside strings, arrays or other objects for duplicates', () => {
    const header =
      '{"__metadata__":{"t":"{\\"t\\":1}","u":"t"},"t":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},' +
      '"u":{"dtype":"I32","shape":[1],"data_offsets":[4,8]}}';
    expect(deserializeRaw(fileFromHeader(header, new Array(8).fill(0))).tensors.size).toBe(2);
  });
});

describe('deserializeRaw: entries', () => {
  const cases: [string, string, number[], RegExp][] = [
    [
      'an entry that is not an object',
      '{"t":[1,2]}',
      [],
      /tensor "t": expected an object with dtype, shape and data_offsets, got \[1, 2\]/,
    ],
    ['an entry that is null', '{"t":null}', [], /tensor "t": expected an object .* got null/],
    ['a missing field', '{"t":{"dtype":"I32","shape":[]}}', [], /tensor "t": missing field data_offsets/],
    [
      'an unknown field',
      `{"t":{"dtype":"I32","shape":[],"data_offsets":[0,4],"junk":{"a":[1]}}}`,
      [0, 0, 0, 0],
      /tensor "t": unexpected field "junk"/,
    ],
    [
      'an unknown dtype',
      '{"t":{"dtype":"F4","shape":[],"data_offsets":[0,1]}}',
      [0],
      /tensor "t": unsupported dtype "F4"; expected one of BOOL, U8/,
    ],
    [
      'a lower-case dtype',
      '{"t":{"dtype":"f32","shape":[],"data_offsets":[0,4]}}',
      [0, 0, 0, 0],
      /unsupported dtype "f32"/,
    ],
    [
      'dtype "constructor"',
      '{"t":{"dtype":"constructor","shape":[],"data_offsets":[0,4]}}',
      [],
      /unsupported dtype "constructor"/,
    ],
    [
      'dtype "__proto__"',
      '{"t":{"dtype":"__proto__","shape":[],"data_offsets":[0,4]}}',
      [],
      /unsupported dtype "__proto__"/,
    ],
    ['a non-string dtype', '{"t":{"dtype":4,"shape":[],"data_offsets":[0,4]}}', [], /unsupported dtype 4/],
    [
      'a shape that is not an array',
      '{"t":{"dtype":"I32","shape":4,"data_offsets":[0,16]}}',
      [],
      /tensor "t": shape must be an array of non-negative integers \(at most 2\^53 - 1\), got 4/,
    ],
    [
      'a negative dimension',
      '{"t":{"dtype":"I32","shape":[2,-2],"data_offsets":[0,16]}}',
      [],
      /got -2 at dimension 1 of \[2, -2\]/,
    ],
    [
      'a fractional dimension',
      '{"t":{"dtype":"I32","shape":[1.5],"data_offsets":[0,4]}}',
      [],
      /got 1.5 at dimension 0/,
    ],
    [
      'a dimension past 2^53',
      '{"t":{"dtype":"I32","shape":[2,18446744073709551614],"data_offsets":[0,16]}}',
      [],
      /got 18446744073709552000 at dimension 1/,
    ],
    [
      'a string dimension',
      '{"t":{"dtype":"I32","shape":["2"],"data_offsets":[0,8]}}',
      [],
      /got "2" at dimension 0/,
    ],
    [
      'a nested dimension',
      '{"t":{"dtype":"I32","shape":[[2]],"data_offsets":[0,8]}}',
      [],
      /got \[2\] at dimension 0/,
    ],
    [
      'a shape product overflowing',
      '{"t":{"dtype":"I32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}}',
      [],
      /tensor "t": shape \[1099511627776, 1099511627776\] has more than 2\^53 - 1 elements \(overflow\)/,
    ],
    [
      'a byte count overflowing',
      '{"t":{"dtype":"F64","shape":[4503599627370496],"data_offsets":[0,16]}}',
      [],
      /F64 \[4503599627370496\] takes more than 2\^53 - 1 bytes \(overflow\)/,
    ],
    [
      'offsets that are not a pair',
      '{"t":{"dtype":"I32","shape":[],"data_offsets":[0]}}',
      [],
      /data_offsets must be two non-negative integers \[begin, end\], got \[0\]/,
    ],
    [
      'negative offsets',
      '{"t":{"dtype":"I32","shape":[],"data_offsets":[-4,0]}}',
      [],
      /data_offsets must be two non-negative integers/,
    ],
    [
      'offsets as strings',
      '{"t":{"dtype":"I32","shape":[],"data_offsets":["0","4"]}}',
      [],
      /got \["0", "4"\]/,
    ],
    [
      'offsets in reverse',
      '{"t":{"dtype":"I32","shape":[],"data_offsets":[4,0]}}',
      [],
      /data_offsets \[4, 0\] end before they begin/,
    ],
    [
      'the wrong byte count for the dtype',
      '{"t":{"dtype":"I32","shape":[2,2],"data_offsets":[0,4]}}',
      [0, 0, 0, 0],
      /tensor "t": I32 \[2, 2\] needs 16 bytes, but data_offsets \[0, 4\] span 4/,
    ],
    [
      'offsets past the end of the data',
      `{"t":${I32_2X2}}`,
      [0, 0, 0, 0],
      /tensor "t": data_offsets \[0, 16\] run past the end of the data buffer, which has 4 bytes/,
    ],
    [
      'huge offsets',
      '{"t":{"dtype":"U8","shape":[10],"data_offsets":[9007199254740981,9007199254740991]}}',
      [],
      /run past the end of the data buffer, which has 0 bytes/,
    ],
    [
      'overlapping tensors',
      '{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[2],"data_offsets":[4,12]}}',
      new Array(12).fill(0),
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a" at \[0, 8\]/,
    ],
    [
      'two tensors sharing bytes',
      `{"a":${I32_2X2},"b":${I32_2X2}}`,
      ZEROS16,
      /overlap tensor "a" at \[0, 16\]|overlap tensor "b" at \[0, 16\]/,
    ],
    [
      'a gap at the start',
      '{"a":{"dtype":"I32","shape":[1],"data_offsets":[4,8]}}',
      new Array(8).fill(0),
      /tensor "a": data_offsets \[4, 8\] leave a gap of 4 bytes after the start of the data/,
    ],
    [
      'a gap between tensors',
      '{"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}',
      new Array(12).fill(0),
      /tensor "b": .* leave a gap of 4 bytes after tensor "a" \(which ends at 4\)/,
    ],
    [
      'trailing bytes no tensor covers',
      `{"t":${I32_2X2}}`,
      [...ZEROS16, 1, 2],
      /data buffer has 18 bytes but the tensors cover only 16; 2 bytes at the end belong to no tensor/,
    ],
    ['data with no tensors', '{}', [0], /data buffer has 1 bytes but the tensors cover only 0/],
    [
      'a BOOL byte that is not 0 or 1',
      '{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}',
      [1, 0, 2],
      /tensor "m": BOOL element 2 has byte value 2; expected 0 or 1/,
    ],
    [
      'metadata that is not an object',
      '{"__metadata__":["a"]}',
      [],
      /__metadata__ must be an object of string to string, got \["a"\]/,
    ],
    [
      'a metadata value that is not a string',
      '{"__metadata__":{"epoch":3}}',
      [],
      /__metadata__ value for key "epoch" must be a string, got 3/,
    ],
    [
      'a nested metadata value',
      '{"__metadata__":{"x":{"polluted":"yes"}}}',
      [],
      /__metadata__ value for key "x" must be a string, got an object/,
    ],
  ];
  it.each(cases)('rejects %s', (_, header, data, pattern) => {
    expectSafetensorsError(() => deserializeRaw(fileFromHeader(header, data)), pattern);
  });

  it('accepts null metadata, zero-size tensors and tensors named "" as the reference does', () => {
    const header =
      '{"__metadata__":null,"":{"dtype":"I32","shape":[2,0],"data_offsets":[0,0]},"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}';
    const { tensors, metadata } = deserializeRaw(fileFromHeader(header));
    expect(Object.keys(metadata)).toEqual([]);
    expect(tensors.get('')).toEqual({ dtype: 'I32', shape: [2, 0], data: new Uint8Array(0) });
  });

  it('shortens hostile names in error messages', () => {
    const name = 'n'.repeat(1_000_000);
    const error = expectSafetensorsError(
      () => deserializeRaw(fileFromHeader(`{"${name}":{"dtype":"XX","shape":[],"data_offsets":[0,0]}}`)),
      /tensor "n{64}"\.\.\. \(1000000 characters\): unsupported dtype "XX"/,
    );
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('deserializeRaw: prototype pollution', () => {
  it('stores a tensor named __proto__ or constructor as an ordinary tensor', () => {
    const before = prototypeSnapshot();
    const header =
      '{"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},' +
      '"constructor":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},' +
      '"prototype":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}';
    const { tensors } = deserializeRaw(fileFromHeader(header, [1, 2, 3]));
    expect([...tensors.keys()]).toEqual(['__proto__', 'constructor', 'prototype']);
    expect([...tensors.get('__proto__')!.data]).toEqual([1]);
    expectPrototypesClean(before);
  });

  it('stores metadata keys __proto__ and constructor without touching any prototype', () => {
    const before = prototypeSnapshot();
    const header = '{"__metadata__":{"__proto__":"polluted","constructor":"x","polluted":"yes"}}';
    const { metadata } = deserializeRaw(fileFromHeader(header));
    expect(Object.getPrototypeOf(metadata)).toBeNull();
    expect(Object.keys(metadata).sort()).toEqual(['__proto__', 'constructor', 'polluted']);
    expect(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value).toBe('polluted');
    expectPrototypesClean(before);
  });

  it('rejects pollution attempts hidden in entries and leaves prototypes unchanged', () => {
    const before = prototypeSnapshot();
    const headers = [
      '{"t":{"__proto__":{"polluted":"yes"},"dtype":"U8","shape":[],"data_offsets":[0,1]}}',
      '{"t":{"constructor":{"prototype":{"polluted":"yes"}},"dtype":"U8","shape":[],"data_offsets":[0,1]}}',
      '{"__proto__":{"polluted":"yes"}}',
      '{"__metadata__":{"__proto__":{"polluted":"yes"}}}',
    ];
    for (const header of headers) expect(() => deserializeRaw(fileFromHeader(header, [0]))).toThrow();
    expectPrototypesClean(before);
  });
});

describe('serializeRaw: what it refuses to write', () => {
  const good = (): RawTensor => toRaw('F32', [2], new Float32Array([1, 2]));
  const cases: [string, () => unknown, RegExp][] = [
    ['an empty name', () => serializeRaw({ '': good() }), /tensor name must not be empty/],
    [
      'the name __metadata__',
      () => serializeRaw({ __metadata__: good() }),
      /__metadata__ is reserved for metadata/,
    ],
    [
      'a name with a lone surrogate',
      () => serializeRaw({ 'a\ud800': good() }),
      /tensor name "a\\ud800" has a lone surrogate at index 1/,
    ],
    [
      'a tensor that is not an object',
      () => serializeRaw({ t: 3 as unknown as RawTensor }),
      /tensor "t": expected \{dtype, shape, data\}, got 3/,
    ],
    [
      'an unknown dtype',
      () => serializeRaw({ t: { ...good(), dtype: 'F128' as SafetensorsDType } }),
      /tensor "t": unsupported dtype "F128"/,
    ],
    [
      'dtype "constructor"',
      () => serializeRaw({ t: { ...good(), dtype: 'constructor' as SafetensorsDType } }),
      /unsupported dtype "constructor"/,
    ],
    [
      'an infinite dimension',
      () => serializeRaw({ t: { ...good(), shape: [Number.POSITIVE_INFINITY] } }),
      /got Infinity at dimension 0/,
    ],
    [
      'a NaN dimension',
      () => serializeRaw({ t: { ...good(), shape: [Number.NaN] } }),
      /got NaN at dimension 0/,
    ],
    ['a negative dimension', () => serializeRaw({ t: { ...good(), shape: [-2] } }), /got -2 at dimension 0/],
    [
      'a fractional dimension',
      () => serializeRaw({ t: { ...good(), shape: [0.5, 4] } }),
      /got 0.5 at dimension 0/,
    ],
    [
      'an overflowing shape',
      () => serializeRaw({ t: { ...good(), shape: [2 ** 40, 2 ** 40] } }),
      /has more than 2\^53 - 1 elements \(overflow\)/,
    ],
    [
      'data of the wrong length',
      () => serializeRaw({ t: { ...good(), shape: [3] } }),
      /tensor "t": F32 \[3\] needs 12 bytes, got 8/,
    ],
    [
      'data that is not bytes',
      () => serializeRaw({ t: { ...good(), data: new Float32Array(2) as unknown as Uint8Array } }),
      /data must be a Uint8Array of little-endian bytes \(toRaw converts typed arrays\), got a Float32Array/,
    ],
    [
      'BOOL bytes other than 0 and 1',
      () => serializeRaw({ m: { dtype: 'BOOL', shape: [2], data: new Uint8Array([1, 255]) } }),
      /tensor "m": BOOL element 1 has byte value 255/,
    ],
    [
      'metadata that is not an object',
      () => serializeRaw({}, 'x' as unknown as Record<string, string>),
      /metadata must be an object of string to string, got "x"/,
    ],
    [
      'a metadata value that is not a string',
      () => serializeRaw({}, { epoch: 3 as unknown as string }),
      /metadata value for key "epoch" must be a string, got 3/,
    ],
    [
      'tensors that are not an object',
      () => serializeRaw(null as unknown as Record<string, RawTensor>),
      /expected an object of tensors, got null/,
    ],
  ];
  it.each(cases)('refuses %s', (_, action, pattern) => {
    expectSafetensorsError(action, pattern);
  });
});

describe('toRaw and fromRaw: what they refuse', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'a typed array of the wrong type',
      () => toRaw('F32', [2], new Float64Array(2)),
      /toRaw\(F32, \[2\]\): expected a Float32Array, got a Float64Array/,
    ],
    [
      'I64 from plain numbers',
      () => toRaw('I64', [1], new Int32Array(1) as TypedValues),
      /expected a BigInt64Array, got a Int32Array/,
    ],
    [
      'a length that does not match the shape',
      () => toRaw('I32', [2, 2], new Int32Array(3)),
      /shape \[2, 2\] has 4 elements but the Int32Array has 3/,
    ],
    [
      'a dtype without a typed array',
      () => toRaw('F16', [1], new Float32Array(1)),
      /no typed-array conversion for dtype "F16"; supported: F32 \(Float32Array\)/,
    ],
    [
      'BOOL values other than 0 and 1',
      () => toRaw('BOOL', [2], new Uint8Array([0, 2])),
      /BOOL element 1 has byte value 2; expected 0 or 1/,
    ],
    [
      'a non-finite dimension',
      () => toRaw('F32', [Number.NaN], new Float32Array(0)),
      /got NaN at dimension 0/,
    ],
    [
      'fromRaw of a bad BOOL byte',
      () => fromRaw({ dtype: 'BOOL', shape: [1], data: new Uint8Array([7]) }),
      /fromRaw\("BOOL", \[1\]\): BOOL element 0 has byte value 7/,
    ],
    [
      'fromRaw of the wrong byte count',
      () => fromRaw({ dtype: 'F32', shape: [2], data: new Uint8Array(7) }),
      /expected 8 bytes of data, got 7/,
    ],
    [
      'fromRaw of U64',
      () => fromRaw({ dtype: 'U64', shape: [1], data: new Uint8Array(8) }),
      /no lossless typed-array conversion for dtype U64/,
    ],
    [
      'fromRaw of an unknown dtype',
      () => fromRaw({ dtype: 'X' as SafetensorsDType, shape: [], data: new Uint8Array(0) }),
      /unsupported dtype; expected one of/,
    ],
  ];
  it.each(cases)('refuses %s', (_, action, pattern) => {
    expectSafetensorsError(action, pattern);
  });
});
