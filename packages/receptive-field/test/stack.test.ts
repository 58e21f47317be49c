import { describe, expect, it } from 'vitest';
import { analyzeLayers } from '../src/index.js';

describe('analyzeLayers', () => {
  it("reproduces the chapter's two stacked 2x2 convolutions on a 3x3 input", () => {
    const rf = analyzeLayers(
      [
        { type: 'conv', kernel: 2 },
        { type: 'conv', kernel: 2 },
      ],
      [3, 3],
    );
    expect(rf.outputSize).toEqual([1, 1]);
    expect(rf.size).toEqual([3, 3]);
    expect(rf.stride).toEqual([1, 1]);
    expect(rf.padding).toEqual([0, 0]);
    expect(rf.region([0, 0])).toEqual({ rows: [0, 2], cols: [0, 2] });
    expect(rf.regionClipped([0, 0])).toEqual({ rows: [0, 2], cols: [0, 2] });
    expect(rf.layers.map((l) => l.size)).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });

  it('follows the recurrences layer by layer (VGG-like block)', () => {
    const rf = analyzeLayers(
      [
        { type: 'conv', kernel: 3, padding: 1, name: 'conv1' },
        { type: 'conv', kernel: 3, padding: 1, name: 'conv2' },
        { type: 'pool', kernel: 2, name: 'pool1' },
        { type: 'conv', kernel: 3, padding: 1, dilation: 2, name: 'conv3' },
      ],
      32,
    );
    expect(rf.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'pool1', 'conv3']);
    expect(rf.layers.map((l) => l.outputSize[0])).toEqual([32, 32, 16, 14]);
    expect(rf.layers.map((l) => l.size[0])).toEqual([3, 5, 6, 14]);
    expect(rf.layers.map((l) => l.jump[0])).toEqual([1, 1, 2, 2]);
    expect(rf.layers.map((l) => l.effectivePadding[0])).toEqual([1, 2, 2, 4]);
    // start = (r - 1)/2 - P: the centre of unit 0.
    expect(rf.layers.map((l) => l.start[0])).toEqual([0, 0, 0.5, 2.5]);
    expect(rf.layers[2]).toMatchObject({ type: 'pool', kernel: [2, 2], stride: [2, 2], padding: [0, 0] });
    expect(rf.region([13, 0])).toEqual({ rows: [22, 35], cols: [-4, 9] });
    expect(rf.regionClipped([13, 0])).toEqual({ rows: [22, 31], cols: [0, 9] });
    expect(rf.regionClipped([13, 0], [64, 64])).toEqual({ rows: [22, 35], cols: [0, 9] });
    expect(rf.inputSize).toEqual([32, 32]);
  });

  it('handles each axis on its own', () => {
    const rf = analyzeLayers(
      [
        { type: 'conv', kernel: [1, 3], stride: [2, 1], padding: [0, 1] },
        { type: 'pool', kernel: [3, 2], stride: [1, 2], dilation: [2, 1] },
      ],
      [20, 10],
    );
    expect(rf.outputSize).toEqual([6, 5]);
    expect(rf.size).toEqual([9, 4]);
    expect(rf.stride).toEqual([2, 2]);
    expect(rf.padding).toEqual([0, 1]);
    expect(rf.region([5, 4])).toEqual({ rows: [10, 18], cols: [7, 10] });
  });

  it("uses PyTorch's ceil mode with the last-window rule", () => {
    // 6 + 2*1 - 2 = 6, ceil(6/4) + 1 = 3, but window 2 would start at 8 >= 6 + 1: 2.
    expect(
      analyzeLayers([{ type: 'pool', kernel: 2, stride: 4, padding: 1, ceilMode: true }], 6).outputSize,
    ).toEqual([2, 2]);
    // 8 - 3 = 5, ceil(5/2) + 1 = 4: the last window (6 .. 8) runs off the end; floor gives 3.
    expect(analyzeLayers([{ type: 'pool', kernel: 3, stride: 2, ceilMode: true }], 8).outputSize).toEqual([
      4, 4,
    ]);
    expect(analyzeLayers([{ type: 'pool', kernel: 3, stride: 2, ceilMode: true }], 7).outputSize).toEqual([
      3, 3,
    ]);
    expect(analyzeLayers([{ type: 'pool', kernel: 3, stride: 2 }], 8).outputSize).toEqual([3, 3]);
  });

  it('gives an empty clipped range and a null exact region for a unit that only sees padding', () => {
    const rf = analyzeLayers([{ type: 'conv', kernel: 1, padding: 1 }], 4);
    expect(rf.outputSize).toEqual([6, 6]);
    expect(rf.region([0, 1])).toEqual({ rows: [-1, -1], cols: [0, 0] });
    expect(rf.regionClipped([0, 1])).toEqual({ rows: [0, -1], cols: [0, 0] });
    expect(rf.exactRegion([0, 1])).toBeNull();
    expect(rf.exactRegion([1, 1])).toEqual({ rows: [0, 0], cols: [0, 0] });
  });

  it('names the layer and the sizes when nothing is left', () => {
    const layers = [
      { type: 'conv', kernel: 3 },
      { type: 'conv', kernel: 3 },
      { type: 'conv', kernel: 3 },
      { type: 'conv', kernel: 5 },
    ] as const;
    expect(() => analyzeLayers([...layers], 8)).toThrow(
      'analyzeLayers: layer 3 (conv, kernel [5, 5]) leaves no output: input [2, 2] -> [-2, -2]',
    );
    expect(() => analyzeLayers([{ type: 'pool', kernel: [2, 9], name: 'p' }], [8, 8])).toThrow(
      "analyzeLayers: layer 0 'p' (pool, kernel [2, 9]) leaves no output: input [8, 8] -> [4, 0]",
    );
  });

  it('rejects bad arguments clearly', () => {
    expect(() => analyzeLayers([{ type: 'conv', kernel: 0 }], 8)).toThrow(
      'analyzeLayers: layer 0 (conv): expected kernel as an integer >= 1 or [h, w], got 0',
    );
    expect(() => analyzeLayers([{ type: 'conv', kernel: 3, stride: [1, 0] }], 8)).toThrow(
      'expected stride as an integer >= 1 or [h, w], got [1, 0]',
    );
    expect(() => analyzeLayers([{ type: 'conv', kernel: 3, padding: -1 }], 8)).toThrow('padding');
    expect(() => analyzeLayers([{ type: 'conv', kernel: 3, dilation: 0 }], 8)).toThrow('dilation');
    expect(() => analyzeLayers([{ type: 'conv', kernel: 2.5 }], 8)).toThrow('kernel');
    expect(() => analyzeLayers([{ type: 'linear', kernel: 3 } as never], 8)).toThrow(
      "analyzeLayers: layer 0: unknown type 'linear' (expected 'conv' or 'pool')",
    );
    expect(() => analyzeLayers([{ type: 'conv', kernel: 3, ceilMode: true }], 8)).toThrow('pooling only');
    expect(() => analyzeLayers([{ type: 'pool', kernel: 2, padding: 2 }], 8)).toThrow(
      'pooling padding must be at most half the effective kernel [1, 1]',
    );
    expect(() => analyzeLayers([], 0)).toThrow('analyzeLayers: expected input size as an integer >= 1');
    const rf = analyzeLayers([{ type: 'conv', kernel: 3 }], 8);
    expect(() => rf.region([6, 0])).toThrow(
      'analyzeLayers: region: unit [6, 0] is not inside the output map [6, 6]',
    );
    expect(() => rf.regionClipped([0, 0.5])).toThrow('not inside');
  });

  it('treats an empty stack as the input itself', () => {
    const rf = analyzeLayers([], [5, 7]);
    expect(rf.outputSize).toEqual([5, 7]);
    expect(rf.size).toEqual([1, 1]);
    expect(rf.region([4, 6])).toEqual({ rows: [4, 4], cols: [6, 6] });
  });
});
