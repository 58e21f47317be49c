import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeRaw, serializeRaw, toRaw } from '../../src/serialization/index.js';
import { compareUtf8, loneSurrogateIndex } from '../../src/serialization/unicode.js';

describe('name ordering', () => {
  it('compareUtf8 orders strings as their UTF-8 bytes compare, as Rust does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        expect(Math.sign(compareUtf8(a, b))).toBe(expected);
      }),
      { numRuns: 500 },
    );
    // UTF-16 order would put U+1F600 (a surrogate pair) before U+FFFF; UTF-8 order puts it after.
    expect(compareUtf8('\uffff', '😀')).toBeLessThan(0);
  });

  it('lays out same-dtype tensors by UTF-8 name order', () => {
    const one = toRaw('U8', [1], new Uint8Array([1]));
    const file = serializeRaw({ '😀': one, '\uffff': one, b: one, a: one });
    expect([...deserializeRaw(file).tensors.keys()]).toEqual(['a', 'b', '\uffff', '😀']);
  });

  it('finds lone surrogates', () => {
    expect(loneSurrogateIndex('a😀b')).toBe(-1);
    expect(loneSurrogateIndex('ab\udc00')).toBe(2);
    expect(loneSurrogateIndex('\ud83d')).toBe(0);
    expect(loneSurrogateIndex('\ud83dx')).toBe(0);
  });
});
