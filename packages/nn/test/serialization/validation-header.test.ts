import { describe, expect, it } from 'vitest';
import { deserializeRaw } from '../../src/serialization/index.js';
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
