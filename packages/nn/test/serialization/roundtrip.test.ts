import fc from 'fast-check';
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
import { decodeValues, encodeValues, halfToNumber } from '../../src/serialization/typed.js';

function roundTrip(tensors: Record<string, RawTensor>, metadata?: Record<string, string>) {
  return deserializeRaw(serializeRaw(tensors, metadata));
}

function typedRoundTrip(dtype: SafetensorsDType, shape: number[], values: TypedValues) {
  const read = roundTrip({ t: toRaw(dtype, shape, values) }).tensors.get('t')!;
  return fromRaw(read);
}

describe('typed round trips', () => {
  const cases: [SafetensorsDType, number[], TypedValues][] = [
    [
      'F32',
      [2, 3],
      new Float32Array([0, -0, 1.5, -3.25e-41, Number.POSITIVE_INFINITY, 3.4028234663852886e38]),
    ],
    ['F64', [4], new Float64Array([Math.PI, -0, Number.MIN_VALUE, -Number.MAX_VALUE])],
    ['I32', [3], new Int32Array([-2147483648, 0, 2147483647])],
    ['I64', [2, 2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n])],
    ['BOOL', [5], new Uint8Array([1, 0, 0, 1, 1])],
    ['U8', [3], new Uint8Array([0, 128, 255])],
  ];
  it.each(cases)('%s %j keeps every value and its type', (dtype, shape, values) => {
    const back = typedRoundTrip(dtype, shape, values);
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual(shape);
    expect(back.values.constructor).toBe(values.constructor);
    expect(Object.is(back.values[1], values[1])).toBe(true);
    expect(back.values).toEqual(values);
  });

  it('keeps NaN bit patterns of F32 and F64', () => {
    const f32 = new Float32Array(new Uint32Array([0x7fc00001, 0xffc00000]).buffer);
    const back = typedRoundTrip('F32', [2], f32).values as Float32Array;
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array([0x7fc00001, 0xffc00000]));
    const f64 = new Float64Array(new BigUint64Array([0x7ff8000000000001n]).buffer);
    const back64 = typedRoundTrip('F64', [1], f64).values as Float64Array;
    expect(new BigUint64Array(back64.buffer)[0]).toBe(0x7ff8000000000001n);
  });

  it('writes I64 extremes as their two-complement little-endian bytes', () => {
    const raw = toRaw('I64', [2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]));
    expect([...raw.data]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
    ]);
  });

  it('handles 0-d and empty tensors', () => {
    const scalar = typedRoundTrip('F32', [], new Float32Array([7]));
    expect(scalar.shape).toEqual([]);
    expect([...scalar.values]).toEqual([7]);
    const empty = typedRoundTrip('I64', [0], new BigInt64Array(0));
    expect(empty.shape).toEqual([0]);
    expect(empty.values).toEqual(new BigInt64Array(0));
    const hollow = typedRoundTrip('F64', [2, 0, 3], new Float64Array(0));
    expect(hollow.shape).toEqual([2, 0, 3]);
    expect(hollow.values.length).toBe(0);
  });

  it('copies into arrays that own an aligned buffer', () => {
    const file = serializeRaw({
      a: toRaw('U8', [3], new Uint8Array([1, 2, 3])),
      b: toRaw('F64', [1], new Float64Array([2])),
    });
    // Shift the file by one byte so that any view into it would be misaligned.
    const shifted = new Uint8Array(file.length + 1).subarray(1);
    shifted.set(file);
    const b = fromRaw(deserializeRaw(shifted).tensors.get('b')!);
    expect(b.values.byteOffset).toBe(0);
    expect(b.values.buffer.byteLength).toBe(8);
    expect([...b.values]).toEqual([2]);
  });

  it('reads a Node Buffer without sharing its memory', () => {
    const file = Buffer.from(serializeRaw({ a: toRaw('F32', [2], new Float32Array([1, 2])) }));
    const raw = deserializeRaw(file).tensors.get('a')!;
    const values = fromRaw(raw).values;
    file.fill(0);
    expect([...values]).toEqual([1, 2]);
  });
});

describe('raw round trips of every dtype', () => {
  const sizes: [SafetensorsDType, number][] = [
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
  ];
  it.each(sizes)('%s (%i bytes per element)', (dtype, size) => {
    const data = Uint8Array.from({ length: 3 * size }, (_, i) =>
      dtype === 'BOOL' ? i % 2 : (i * 37) & 0xff,
    );
    const back = roundTrip({ x: { dtype, shape: [3], data } }).tensors.get('x')!;
    expect(back).toEqual({ dtype, shape: [3], data });
  });

  it('widens F16, BF16, I8, I16 and U16 exactly', () => {
    const f16 = fromRaw({
      dtype: 'F16',
      shape: [6],
      data: new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x01, 0x00, 0xff, 0x7b, 0x00, 0x7c, 0x00, 0x80]),
    });
    expect(f16.values).toBeInstanceOf(Float32Array);
    expect([...f16.values]).toEqual([1, -2, 2 ** -24, 65504, Number.POSITIVE_INFINITY, -0]);
    expect(Object.is(f16.values[5], -0)).toBe(true);
    expect(Number.isNaN(halfToNumber(0x7e00))).toBe(true);
    const bf16 = fromRaw({
      dtype: 'BF16',
      shape: [3],
      data: new Uint8Array([0x80, 0x3f, 0x49, 0x40, 0x80, 0xff]),
    });
    expect([...bf16.values]).toEqual([1, 3.140625, Number.NEGATIVE_INFINITY]);
    const i8 = fromRaw({ dtype: 'I8', shape: [2], data: new Uint8Array([0x80, 0x7f]) });
    expect(i8.values).toEqual(new Int32Array([-128, 127]));
    const i16 = fromRaw({ dtype: 'I16', shape: [2], data: new Uint8Array([0x00, 0x80, 0xff, 0x7f]) });
    expect(i16.values).toEqual(new Int32Array([-32768, 32767]));
    const u16 = fromRaw({ dtype: 'U16', shape: [1], data: new Uint8Array([0xff, 0xff]) });
    expect(u16.values).toEqual(new Int32Array([65535]));
  });

  it('round-trips metadata, unicode names and a tensor named __proto__', () => {
    // Assigned through variables: on a null-prototype object these are ordinary keys.
    const proto = '__proto__';
    const ctor = 'constructor';
    const tensors: Record<string, RawTensor> = Object.create(null);
    tensors[proto] = toRaw('F32', [1], new Float32Array([1]));
    tensors['größe/数据 🙂'] = toRaw('I32', [1], new Int32Array([2]));
    tensors[ctor] = toRaw('BOOL', [1], new Uint8Array([1]));
    const metadata: Record<string, string> = Object.create(null);
    metadata.format = 'pt';
    metadata[proto] = 'not a prototype';
    metadata['quote"and\\slash\n'] = '🙂';
    const back = roundTrip(tensors, metadata);
    expect([...back.tensors.keys()].sort()).toEqual(Object.keys(tensors).sort());
    expect(fromRaw(back.tensors.get('__proto__')!).values).toEqual(new Float32Array([1]));
    expect(Object.getPrototypeOf(back.metadata)).toBeNull();
    expect({ ...back.metadata }).toEqual({ ...metadata });
    expect(Object.keys(back.metadata)).toContain('__proto__');
  });

  it('writes an empty file as the reference does', () => {
    expect([...serializeRaw({})]).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d, 32, 32, 32, 32, 32, 32]);
    const back = deserializeRaw(serializeRaw({}, {}));
    expect(back.tensors.size).toBe(0);
    expect({ ...back.metadata }).toEqual({});
  });

  it('accepts a Map, so a parsed file can be written back unchanged', () => {
    const file = serializeRaw(
      { b: toRaw('F32', [2], new Float32Array([1, 2])), a: toRaw('I64', [], new BigInt64Array([3n])) },
      { k: 'v' },
    );
    const parsed = deserializeRaw(file);
    expect(serializeRaw(parsed.tensors, parsed.metadata)).toEqual(file);
  });
});

describe('typed-array paths', () => {
  it('the portable DataView path agrees with the native copy', () => {
    const dtypes: [SafetensorsDType, (n: number) => TypedValues][] = [
      ['F32', (n) => Float32Array.from({ length: n }, (_, i) => (i - 3) / 7)],
      ['F64', (n) => Float64Array.from({ length: n }, (_, i) => (i - 3) / 7)],
      ['I32', (n) => Int32Array.from({ length: n }, (_, i) => (i - 3) * 1e8)],
      ['I64', (n) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i - 3) * 2n ** 60n)],
      ['U8', (n) => Uint8Array.from({ length: n }, (_, i) => i * 40)],
      ['BOOL', (n) => Uint8Array.from({ length: n }, (_, i) => i % 2)],
    ];
    for (const [dtype, make] of dtypes) {
      const values = make(6);
      const fast = encodeValues(dtype, values, true);
      expect(encodeValues(dtype, values, false)).toEqual(fast);
      expect(decodeValues(dtype, fast, false)).toEqual(decodeValues(dtype, fast, true));
      expect(decodeValues(dtype, fast, false)).toEqual(values);
    }
  });
});

describe('round-trip property', () => {
  const dtypes: SafetensorsDType[] = [
    'BOOL',
    'U8',
    'I8',
    'I16',
    'F16',
    'BF16',
    'I32',
    'U32',
    'F32',
    'F64',
    'I64',
    'U64',
  ];
  const tensor = fc
    .record({
      dtype: fc.constantFrom(...dtypes),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      seed: fc.integer(),
    })
    .map(({ dtype, shape, seed }): RawTensor => {
      const size = {
        BOOL: 1,
        U8: 1,
        I8: 1,
        I16: 2,
        F16: 2,
        BF16: 2,
        I32: 4,
        U32: 4,
        F32: 4,
        F64: 8,
        I64: 8,
        U64: 8,
      }[dtype as string]!;
      const count = shape.reduce((a, b) => a * b, 1);
      const data = Uint8Array.from({ length: count * size }, (_, i) =>
        dtype === 'BOOL' ? (seed + i) & 1 : (seed * 31 + i * 7) & 0xff,
      );
      return { dtype, shape, data };
    });

  it('deserializeRaw(serializeRaw(x)) gives back x', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s !== '__metadata__'),
          tensor,
          { maxKeys: 6 },
        ),
        fc.option(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), { nil: undefined }),
        (tensors, metadata) => {
          const file = serializeRaw(tensors, metadata);
          const header = Number(new DataView(file.buffer).getBigUint64(0, true));
          expect(header % 8).toBe(0);
          const back = deserializeRaw(file);
          expect(back.tensors.size).toBe(Object.keys(tensors).length);
          for (const [name, raw] of back.tensors) expect(raw).toEqual(tensors[name]);
          expect({ ...back.metadata }).toEqual({ ...(metadata ?? {}) });
        },
      ),
      { numRuns: 300 },
    );
  });
});
