import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { sigmoidForward as sigmoidForwardReference } from '../../src/kernels/activation.js';
import { wasmRuntime } from '../../src/kernels/backend.js';
import { sigmoidForward } from '../../src/kernels/registered/activation.js';
import { hostWritten } from '../../src/kernels/resident.js';
import { limits } from '../../src/kernels/wasm/limits.js';
import { ResidentRing } from '../../src/kernels/wasm/resident-ring.js';
import { bits, forceWasm, randomFloats } from './setup.js';

/**
 * Results and inputs kept in WebAssembly memory after their call (resident-ring.ts): the ring's
 * order of reuse, what it never overwrites, and that the host array stays the data.
 */

forceWasm();

/** A result of `floats` placed and kept for a fresh host array, in a call of its own. */
function keepNew(ring: ResidentRing, floats: number): Float32Array {
  const array = new Float32Array(floats);
  const ptr = ring.place(array.byteLength);
  expect(ptr).toBeGreaterThanOrEqual(0);
  ring.keep(array, ptr);
  ring.endCall();
  return array;
}

describe('ResidentRing', () => {
  it('reuses the space of the oldest copies first, wrapping at its end', () => {
    const ring = new ResidentRing(0, 4096, 4096);
    const [a, b, c, d] = [keepNew(ring, 256), keepNew(ring, 256), keepNew(ring, 256), keepNew(ring, 256)];
    expect([a, b, c, d].map((array) => ring.find(array))).toEqual([0, 1024, 2048, 3072]);
    ring.endCall();
    const e = keepNew(ring, 256);
    expect([ring.find(e), ring.find(a), ring.find(b)]).toEqual([0, -1, 1024]);
    ring.endCall();
    // 512 floats do not fit after e's space without b's and c's.
    const f = keepNew(ring, 512);
    expect([ring.find(f), ring.find(b), ring.find(c), ring.find(d)]).toEqual([1024, -1, -1, 3072]);
  });

  it('never reuses the space of a copy the current call reads or placed', () => {
    const ring = new ResidentRing(0, 2048, 2048);
    const a = keepNew(ring, 256);
    keepNew(ring, 256);
    expect(ring.find(a)).toBe(0);
    expect(ring.place(1024)).toBe(-1);
    ring.endCall();
    // Two results of one call: the second takes b's space, a third would take the first's.
    expect(ring.place(1024)).toBe(0);
    expect(ring.place(1024)).toBe(1024);
    expect(ring.place(1024)).toBe(-1);
  });

  it('takes no result larger than half of it', () => {
    const ring = new ResidentRing(0, 4096, 4096);
    expect(ring.place(2049)).toBe(-1);
    expect(ring.place(2048)).toBe(0);
  });

  it('doubles, up to its limit, after a call missed a copy whose space was reused', () => {
    const ring = new ResidentRing(0, 2048, 8192);
    const a = keepNew(ring, 256);
    const b = keepNew(ring, 256);
    keepNew(ring, 256);
    // A result written in place is not a miss for want of space.
    hostWritten(b);
    expect(ring.find(b)).toBe(-1);
    ring.endCall();
    expect(ring.end).toBe(2048);
    expect(ring.find(a)).toBe(-1);
    ring.endCall();
    expect(ring.end).toBe(4096);
    const d = keepNew(ring, 512);
    expect(ring.find(d)).toBe(0);
    ring.endCall();
    // Five results of 2 KB: the first one's space is reused at every size up to the limit.
    for (const end of [8192, 8192, 8192]) {
      const gone = keepNew(ring, 512);
      for (let i = 0; i < 4; i++) keepNew(ring, 512);
      expect(ring.find(gone)).toBe(-1);
      ring.endCall();
      expect(ring.end).toBe(end);
    }
  });

  it("does not grow for an input's copy whose space was reused", () => {
    const ring = new ResidentRing(0, 2048, 8192);
    const input = new Float32Array(256);
    ring.keep(input, ring.place(input.byteLength), true);
    ring.endCall();
    keepNew(ring, 256);
    keepNew(ring, 256);
    expect(ring.find(input)).toBe(-1);
    ring.endCall();
    expect(ring.end).toBe(2048);
  });

  it('drops the copy of a host array written in place', () => {
    const ring = new ResidentRing(0, 4096, 4096);
    const a = keepNew(ring, 256);
    hostWritten(a);
    expect(ring.find(a)).toBe(-1);
  });
});

describe('kernels reading kept results', () => {
  const n = 3 * 4096 + 5;
  const x = randomFloats(1, n).map((v) => 8 * v - 4);

  /** The WebAssembly sigmoid of `y` (which may be held) gives the reference's bits. */
  function expectReferenceSigmoid(y: Float32Array): void {
    const z = new Float32Array(n);
    sigmoidForward(y, z);
    const expected = new Float32Array(n);
    sigmoidForwardReference(y, expected);
    expect(bits(z)).toEqual(bits(expected));
  }

  it('read the copy a kernel left, and give the reference bits', () => {
    const rt = wasmRuntime()!;
    const y = new Float32Array(n);
    sigmoidForward(x, y);
    expect(rt.held(y)).toBeGreaterThanOrEqual(0);
    rt.reset();
    expectReferenceSigmoid(y);
  });

  it('drop it when the tensor is written in place', () => {
    const rt = wasmRuntime()!;
    const y = new Float32Array(n);
    sigmoidForward(x, y);
    Tensor.fromArray(y, [n], 'float32').mul_(2);
    expect(rt.held(y)).toBe(-1);
    expectReferenceSigmoid(y);
  });

  it('keep the copy of a whole input written in, until the tensor is written in place', () => {
    const rt = wasmRuntime()!;
    const input = x.slice();
    const ptr = rt.write(input);
    rt.reset();
    expect(rt.held(input)).toBe(ptr);
    expect(rt.write(input), 'found, not copied again').toBe(ptr);
    rt.reset();
    Tensor.fromArray(input, [n], 'float32').mul_(2);
    expect(rt.held(input)).toBe(-1);
    // A part of an array is copied for its call only.
    const part = x.slice();
    rt.write(part, 1);
    rt.reset();
    expect(rt.held(part)).toBe(-1);
  });

  it('find a host array written behind the copy when checked', () => {
    const checked = limits.checkResident;
    limits.checkResident = true;
    try {
      const y = new Float32Array(n);
      sigmoidForward(x, y);
      y[7] = 1234;
      expect(() => sigmoidForward(y, new Float32Array(n))).toThrow(
        /differs from its host array at element 7/,
      );
      expect(wasmRuntime()!.used).toBe(0);
    } finally {
      limits.checkResident = checked;
    }
  });
});
