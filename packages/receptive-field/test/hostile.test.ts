import { describe, expect, it } from 'vitest';
import { analyzeLayers, formatTable } from '../src/index.js';

/** Issue 17's cases for @fovea/receptive-field: a clear error, never a rounded or a TypeError. */

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;
const conv3 = { type: 'conv', kernel: 3 } as const;

describe('@fovea/receptive-field under hostile input', () => {
  it('analyzeLayers with a size of 2**55 does not round silently', () => {
    expect(() => analyzeLayers([conv3], 2 ** 55)).toThrow(
      /^analyzeLayers: expected input size as .* got 36028797018963970/,
    );
    expect(() =>
      analyzeLayers(
        [
          { type: 'conv', kernel: 3, stride: 2 ** 30 },
          { type: 'conv', kernel: 3, stride: 2 ** 30 },
        ],
        2 ** 52,
      ),
    ).toThrow(/^analyzeLayers: layer 1: sizes exceed 2\*\*53 - 1/);
  });

  it('analyzeLayers given [null] or an object', () => {
    expect(() => analyzeLayers(any([null]), 8)).toThrow(
      /^analyzeLayers: argument 'layers\[0\]' must be a layer .* got null/,
    );
    expect(() => analyzeLayers(any({ type: 'conv' }), 8)).toThrow(
      "analyzeLayers: argument 'layers' must be an array, got an object",
    );
  });

  it('formatTable({})', () => {
    expect(() => formatTable(any({}))).toThrow(
      /^formatTable: argument 'result' must be an analysis result .* got an object/,
    );
    expect(formatTable(analyzeLayers([conv3], 8))).toMatch(/receptive field \[?3/);
  });
});
