import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deserializeRaw,
  dtypeSize,
  type RawTensor,
  SAFETENSORS_DTYPES,
  SafetensorsError,
  serializeRaw,
} from '../../src/serialization/index.js';
import { expectPrototypesClean, fileFromHeader, prototypeSnapshot } from './helpers.js';

// Each property runs a few hundred cases on inputs of at most a few hundred bytes: a few seconds
// in all, so it runs in CI on every change.
const RUNS = { numRuns: 1000 };

/** deserializeRaw either returns a consistent result or throws a SafetensorsError, nothing else. */
function parsesOrRejects(bytes: Uint8Array): void {
  let result: ReturnType<typeof deserializeRaw>;
  try {
    result = deserializeRaw(bytes);
  } catch (error) {
    if (!(error instanceof SafetensorsError)) throw error;
    expect(error.message.length).toBeLessThan(1000);
    return;
  }
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  let covered = 0;
  for (const raw of result.tensors.values()) {
    const count = raw.shape.reduce((a, b) => a * b, 1);
    expect(raw.data.length).toBe(count * dtypeSize(raw.dtype));
    if (raw.dtype === 'BOOL') expect(raw.data.every((b) => b <= 1)).toBe(true);
    covered += raw.data.length;
  }
  expect(8 + headerLength + covered).toBe(bytes.length);
  for (const value of Object.values(result.metadata)) expect(typeof value).toBe('string');
}

function withPrefix(body: Uint8Array, declared: bigint): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, declared, true);
  out.set(body, 8);
  return out;
}

const utf8 = new TextEncoder();

// Header-shaped JSON with hostile keys and junk values, so that cases get past the JSON parser
// and exercise the schema checks.
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(-1, 1.5, 2 ** 53, 2 ** 64, 1e308, '', 'F32', null),
);
const dimension = fc.oneof(fc.nat(6), fc.constantFrom(0, 2 ** 40, 2 ** 53 - 1, 2 ** 53, -1, 0.5), junk);
const entry = fc.record(
  {
    dtype: fc.oneof(
      fc.constantFrom(...SAFETENSORS_DTYPES),
      fc.constantFrom('F4', 'constructor', '__proto__'),
      junk,
    ),
    shape: fc.oneof(fc.array(dimension, { maxLength: 4 }), junk),
    data_offsets: fc.oneof(fc.tuple(fc.nat(64), fc.nat(64)), fc.array(dimension, { maxLength: 3 }), junk),
    __proto__: junk,
    constructor: junk,
  },
  { requiredKeys: [] },
);
const name = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '__metadata__', '', 't'),
  fc.string({ maxLength: 4 }),
);
const metadata = fc.oneof(
  fc.dictionary(fc.oneof(name, fc.string()), fc.oneof(fc.string(), junk), { maxKeys: 3 }),
  junk,
);
const hostileHeader = fc
  .array(fc.tuple(name, fc.oneof({ weight: 4, arbitrary: entry }, { weight: 1, arbitrary: metadata })), {
    maxLength: 5,
  })
  .map(
    (fields) =>
      `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`,
  );

const rawTensor = fc
  .record({ dtype: fc.constantFrom(...SAFETENSORS_DTYPES), shape: fc.array(fc.nat(3), { maxLength: 3 }) })
  .map(({ dtype, shape }): RawTensor => {
    const length = shape.reduce((a, b) => a * b, 1) * dtypeSize(dtype);
    return { dtype, shape, data: Uint8Array.from({ length }, (_, i) => (dtype === 'BOOL' ? i & 1 : i * 13)) };
  });
const validFile = fc
  .tuple(
    fc.dictionary(
      fc.string({ minLength: 1, maxLength: 5 }).filter((s) => s !== '__metadata__'),
      rawTensor,
      { maxKeys: 4 },
    ),
    fc.option(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }), {
      nil: undefined,
    }),
  )
  .map(([tensors, meta]) => serializeRaw(tensors, meta));

type Mutation = (file: Uint8Array) => Uint8Array;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([at, value]): Mutation =>
      (file) => {
        const out = file.slice();
        out[at % out.length] = value;
        return out;
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (file) =>
        file.slice(0, at % (file.length + 1)),
  ),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(
    ([at, value]): Mutation =>
      (file) => {
        const i = at % (file.length + 1);
        return Uint8Array.from([...file.subarray(0, i), value, ...file.subarray(i)]);
      },
  ),
  fc.nat().map(
    (at): Mutation =>
      (file) => {
        const i = at % file.length;
        return Uint8Array.from([...file.subarray(0, i), ...file.subarray(i + 1)]);
      },
  ),
  fc
    .oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: 0n, max: 400n }),
      fc.constantFrom(2n ** 63n, 100_000_001n),
    )
    .map(
      (length): Mutation =>
        (file) => {
          if (file.length < 8) return file;
          const out = file.slice();
          new DataView(out.buffer).setBigUint64(0, length, true);
          return out;
        },
    ),
  fc.integer({ min: -16, max: 16 }).map(
    (delta): Mutation =>
      (file) => {
        if (file.length < 8) return file;
        const out = file.slice();
        const view = new DataView(out.buffer);
        const length = view.getBigUint64(0, true) + BigInt(delta);
        view.setBigUint64(0, length < 0n ? 0n : length, true);
        return out;
      },
  ),
);

describe('fuzzing deserializeRaw', () => {
  let before: string[];
  beforeAll(() => {
    before = prototypeSnapshot();
  });
  afterAll(() => {
    expectPrototypesClean(before);
  });

  it('(a) arbitrary bytes give a result or a SafetensorsError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => parsesOrRejects(bytes)),
      RUNS,
    );
  });

  it('(a) arbitrary bytes behind a plausible length prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(320), (body, declared) =>
        parsesOrRejects(withPrefix(body, BigInt(declared))),
      ),
      RUNS,
    );
  });

  it('(a) arbitrary JSON as the header, followed by arbitrary data', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 64 }), (json, data) =>
        parsesOrRejects(fileFromHeader(json, data)),
      ),
      RUNS,
    );
  });

  it('(b) valid files stay valid or fail cleanly under mutation', () => {
    fc.assert(
      fc.property(validFile, fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, mutations) => {
        parsesOrRejects(file);
        parsesOrRejects(mutations.reduce((bytes, mutate) => mutate(bytes), file));
      }),
      RUNS,
    );
  });

  it('(c) hostile headers give a result or a SafetensorsError, and pollute nothing', () => {
    fc.assert(
      fc.property(hostileHeader, fc.uint8Array({ maxLength: 64 }), (header, data) => {
        parsesOrRejects(fileFromHeader(header, data));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('(c) hostile headers whose offsets are consistent reach the tiling checks', () => {
    // Entries with matching sizes but shuffled offsets: overlaps, gaps and tiling are exercised.
    const layout = fc.array(
      fc.record({
        name,
        count: fc.nat(4),
        begin: fc.nat(24),
        dtype: fc.constantFrom<'U8' | 'I32'>('U8', 'I32'),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(layout, fc.nat(40), (entries, length) => {
        const fields = entries.map(({ name: key, count, begin, dtype }) => {
          const end = begin + count * dtypeSize(dtype);
          return `${JSON.stringify(key)}:{"dtype":"${dtype}","shape":[${count}],"data_offsets":[${begin},${end}]}`;
        });
        parsesOrRejects(fileFromHeader(`{${fields.join(',')}}`, new Uint8Array(length)));
      }),
      RUNS,
    );
  });
});

describe('hostile sizes never allocate', () => {
  it('a 2^63 header length is rejected from the 8-byte prefix alone', () => {
    const bytes = withPrefix(utf8.encode('{}'), 2n ** 63n);
    expect(() => deserializeRaw(bytes)).toThrow(/larger than the 100000000-byte limit/);
  });

  it('a 90 MB header of nested arrays is stopped by the depth bound, quickly', () => {
    const depth = 45_000_000;
    const body = new Uint8Array(2 * depth + 6);
    body.set(utf8.encode('{"a":'), 0);
    body.fill(0x5b, 5, 5 + depth);
    body.fill(0x5d, 5 + depth, 5 + 2 * depth);
    body[body.length - 1] = 0x7d;
    const started = performance.now();
    expect(() => deserializeRaw(withPrefix(body, BigInt(body.length)))).toThrow(
      /nests deeper than 16 levels/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a 2^40 x 2^40 shape is an overflow error, whatever the offsets say', () => {
    const header = '{"t":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}}';
    expect(() => deserializeRaw(fileFromHeader(header))).toThrow(/overflow/);
  });
});
