import { describe, it } from 'vitest';
import {
  fromRaw,
  type RawTensor,
  type SafetensorsDType,
  serializeRaw,
  type TypedValues,
  toRaw,
} from '../../src/serialization/index.js';
import { expectSafetensorsError } from './helpers.js';

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
