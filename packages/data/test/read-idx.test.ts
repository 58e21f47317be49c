import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decompress, readIdx } from '@fovea/data';
import { describe, expect, it } from 'vitest';
import { readIdx as readIdxInBrowser } from '../src/browser.js';
import { DEBIAN_DIR, HAS_FULL_SET, idxBytes, SUBSET_DIR } from './helpers/idx.js';

describe('readIdx', () => {
  it('reads every IDX type, big-endian, into the matching typed array', () => {
    const cases: [
      number,
      new (n: number) => ArrayLike<number>,
      number[],
      (v: DataView, o: number, x: number) => void,
      number,
    ][] = [
      [0x08, Uint8Array, [0, 7, 255], (v, o, x) => v.setUint8(o, x), 1],
      [0x09, Int8Array, [-128, 0, 127], (v, o, x) => v.setInt8(o, x), 1],
      [0x0b, Int16Array, [-300, 2, 30000], (v, o, x) => v.setInt16(o, x), 2],
      [0x0c, Int32Array, [-70000, 1, 2 ** 30], (v, o, x) => v.setInt32(o, x), 4],
      [0x0d, Float32Array, [-1.5, 0.25, 3], (v, o, x) => v.setFloat32(o, x), 4],
      [0x0e, Float64Array, [Math.PI, -0.1, 1e300], (v, o, x) => v.setFloat64(o, x), 8],
    ];
    for (const [code, type, values, write, size] of cases) {
      const body = new Uint8Array(values.length * size);
      const view = new DataView(body.buffer);
      values.forEach((x, i) => write(view, i * size, x));
      const { shape, data } = readIdx(idxBytes(code, [1, values.length], body));
      expect(shape).toEqual([1, values.length]);
      expect(data).toBeInstanceOf(type);
      expect(Array.from(data)).toEqual(values);
    }
  });

  it('reads gzip and raw bytes alike (Node gunzips synchronously)', () => {
    const raw = idxBytes(0x08, [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 6]));
    expect(readIdx(gzipSync(raw))).toEqual(readIdx(raw));
  });

  it.skipIf(!HAS_FULL_SET)("reads Debian's original Fashion-MNIST files", () => {
    const images = readIdx(readFileSync(join(DEBIAN_DIR, 'train-images-idx3-ubyte.gz')));
    expect(images.shape).toEqual([60000, 28, 28]);
    const labels = readIdx(readFileSync(join(DEBIAN_DIR, 't10k-labels-idx1-ubyte.gz')));
    expect(labels.shape).toEqual([10000]);
    expect(Math.max(...labels.data)).toBe(9);
  });

  it('reads the subset shipped with the examples app, and it is a prefix of the originals', () => {
    const subset = readIdx(readFileSync(join(SUBSET_DIR, 't10k-images-idx3-ubyte.gz')));
    expect(subset.shape).toEqual([1000, 28, 28]);
    if (HAS_FULL_SET) {
      const full = readIdx(readFileSync(join(DEBIAN_DIR, 't10k-images-idx3-ubyte.gz')));
      const prefix = full.data.subarray(0, subset.data.length) as Uint8Array;
      expect(Buffer.compare(subset.data as Uint8Array, prefix)).toBe(0);
    }
  });

  it('names the bytes and the problem when they are not a well-formed IDX file', () => {
    const good = idxBytes(0x08, [3, 2], Uint8Array.from([1, 2, 3, 4, 5, 6]));
    const badMagic = good.slice();
    badMagic[0] = 0x50;
    const badType = good.slice();
    badType[2] = 0x0a;
    const cases: [Uint8Array, string][] = [
      [
        new Uint8Array([0, 0]),
        "readIdx: 'f.idx' is too short for an IDX file (2 bytes, the header alone is 4)",
      ],
      [
        badMagic,
        "readIdx: 'f.idx' is not an IDX file: bad magic number 0x50 0x00 0x08 0x02 (expected 0x00 0x00 <type> <dims>)",
      ],
      [badType, "readIdx: 'f.idx' has an unknown IDX type code 0x0a"],
      [
        good.subarray(0, 10),
        "readIdx: 'f.idx' is truncated: its header declares 2 dimensions (12 bytes) but the file has 10 bytes",
      ],
      [
        good.subarray(0, 15),
        "readIdx: 'f.idx' is truncated: dims [3, 2] of ubyte need 18 bytes, the file has 15",
      ],
      [
        Uint8Array.from([...good, 9]),
        "readIdx: 'f.idx' is too long: dims [3, 2] of ubyte need 18 bytes, the file has 19",
      ],
      [gzipSync(good).subarray(0, 12), "readIdx: 'f.idx' is a corrupt gzip file"],
    ];
    for (const [bytes, message] of cases) {
      expect(() => readIdx(bytes, { name: 'f.idx' }), message).toThrow(message);
    }
  });

  it('refuses a header claiming a huge array without allocating it', () => {
    const header = idxBytes(0x0e, [0xffffffff, 0xffffffff], new Uint8Array(16));
    expect(() => readIdx(header, { name: 'huge' })).toThrow(
      "readIdx: 'huge' is truncated: dims [4294967295, 4294967295] of double need",
    );
  });

  it('rejects what is not bytes with a message, not a TypeError from inside', () => {
    expect(() => readIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(
      "readIdx: expected the bytes of 'IDX bytes' as a Uint8Array, got Array",
    );
  });
});

describe('decompress and the browser entry', () => {
  it('gunzips through DecompressionStream, and leaves raw bytes as they are', async () => {
    const raw = idxBytes(0x08, [4], Uint8Array.from([9, 8, 7, 6]));
    expect(await decompress(gzipSync(raw))).toEqual(raw);
    expect(await decompress(raw)).toBe(raw);
    await expect(decompress(gzipSync(raw).subarray(0, 15))).rejects.toThrow('decompress: corrupt gzip data');
  });

  it("the browser's readIdx reads raw bytes and points gzip bytes to decompress", async () => {
    const raw = idxBytes(0x08, [2], Uint8Array.from([1, 2]));
    expect(readIdxInBrowser(raw)).toEqual(readIdx(raw));
    expect(() => readIdxInBrowser(gzipSync(raw), { name: 'x.gz' })).toThrow(
      "readIdx: 'x.gz' is gzip-compressed and this platform has no synchronous gunzip; decompress it first with `await decompress(bytes)`",
    );
    expect(readIdxInBrowser(await decompress(gzipSync(raw)))).toEqual(readIdx(raw));
  });
});
