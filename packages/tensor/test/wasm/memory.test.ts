import { describe, expect, it } from 'vitest';
import { wasmRuntime } from '../../src/kernels/backend.js';
import * as fast from '../../src/kernels/registered/index.js';
import { forceWasm, randomFloats } from './setup.js';

/** The per-call arena: everything is released after a call, errors included, and reused. */

forceWasm();

const params = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } as const;

describe('WebAssembly memory', () => {
  it('is released after every call and does not grow on repeated calls', () => {
    const rt = wasmRuntime()!;
    const x = randomFloats(1, 4 * 16 * 32 * 32);
    const w = randomFloats(2, 16 * 16 * 9);
    const round = () => {
      const y = fast.conv2dForward(x, [4, 16, 32, 32], w, [16, 16, 3, 3], null, params);
      fast.conv2dBackwardWeight(x, [4, 16, 32, 32], y.out, y.outShape, [16, 16, 3, 3], params);
      fast.conv2dBackwardInput(y.out, y.outShape, w, [16, 16, 3, 3], [4, 16, 32, 32], params);
    };
    round();
    expect(rt.used).toBe(0);
    const size = rt.memory.buffer.byteLength;
    // x is read in every round and its copy kept in the ring (resident-ring.ts) while there is
    // room: losing it does not grow the ring.
    for (let i = 0; i < 40; i++) round();
    expect(rt.used).toBe(0);
    expect(rt.memory.buffer.byteLength).toBe(size);
  });

  it('grows for a larger call and keeps working', () => {
    const rt = wasmRuntime()!;
    const before = rt.memory.buffer.byteLength;
    // A pointwise convolution whose input alone is larger than the memory so far (the ring of
    // kept results included), so its copy must grow it.
    const width = Math.ceil(before / (4 * 8 * 64)) + 1;
    const x = randomFloats(3, 8 * 64 * width);
    const w = randomFloats(4, 8 * 8);
    const pointwise = { ...params, padding: [0, 0, 0, 0] } as const;
    const y = fast.conv2dForward(x, [1, 8, 64, width], w, [8, 8, 1, 1], null, pointwise);
    expect(rt.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(y.out.some((v) => v !== 0)).toBe(true);
    expect(rt.used).toBe(0);
  });

  it('is released when a kernel throws', () => {
    const rt = wasmRuntime()!;
    const x = randomFloats(5, 2 * 8 * 16 * 16);
    const w = randomFloats(6, 8 * 8 * 9);
    const runItems = rt.runItems;
    rt.runItems = () => {
      throw new Error('trap');
    };
    try {
      expect(() => fast.conv2dForward(x, [2, 8, 16, 16], w, [8, 8, 3, 3], null, params)).toThrow('trap');
    } finally {
      rt.runItems = runItems;
    }
    expect(rt.used).toBe(0);
    expect(
      fast.conv2dForward(x, [2, 8, 16, 16], w, [8, 8, 3, 3], null, params).out.some((v) => v !== 0),
    ).toBe(true);
  });
});
