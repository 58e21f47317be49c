import { describe, expect, it } from 'vitest';
import { deserializeRaw } from '../../src/serialization/index.js';
import { expectSafetensorsError, fileFromHeader } from './helpers.js';

const I32_2X2 = '{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}';
const ZEROS16 = new Array(16).fill(0);

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
