import { afterEach, describe, expect, it, vi } from 'vitest';
import { conv2d, getBackend, getNumThreads, setBackend, setNumThreads, tensor } from '../../src/index.js';
import { resetWasmForTesting, wasmRuntime } from '../../src/kernels/backend.js';
import { conv2dForward } from '../../src/kernels/registered/index.js';
import { limits } from '../../src/kernels/wasm/limits.js';
import { randomFloats } from './setup.js';

/** Backend selection, the fallback to the reference with one warning, and the thread setting. */

const params = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 } as const;
const xShape = [2, 8, 16, 16];
const wShape = [8, 8, 3, 3];
const x = randomFloats(1, 2 * 8 * 16 * 16);
const w = randomFloats(2, 8 * 8 * 9);

afterEach(() => {
  vi.restoreAllMocks();
  resetWasmForTesting();
  setBackend('wasm');
});

describe('backend selection', () => {
  it("defaults to 'wasm' in Node", () => {
    expect(getBackend()).toBe('wasm');
  });

  it("switches between 'js' and 'wasm', and only 'wasm' runs the WebAssembly kernels", () => {
    const rt = wasmRuntime()!;
    const before = rt.calls;
    expect(setBackend('js')).toBe('js');
    expect(getBackend()).toBe('js');
    const js = conv2dForward(x, xShape, w, wShape, null, params).out;
    expect(rt.calls).toBe(before);
    expect(setBackend('wasm')).toBe('wasm');
    const wasm = conv2dForward(x, xShape, w, wShape, null, params).out;
    expect(rt.calls).toBe(before + 1);
    for (let i = 0; i < js.length; i++) expect(Math.abs(wasm[i] - js[i])).toBeLessThan(1e-4);
  });

  it('rejects an unknown backend', () => {
    expect(() => setBackend('webgpu' as 'js')).toThrow(/expected 'js' or 'wasm', got "webgpu"/);
  });

  it('keeps tiny ops (the chapter 6 x 8 convolution) in JavaScript', () => {
    const rt = wasmRuntime()!;
    const before = rt.calls;
    const img = tensor([
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
    ]).reshape([1, 1, 6, 8]);
    const y = conv2d(img, tensor([[[[1, -1]]]]));
    expect(y.shape).toEqual([1, 1, 6, 7]);
    expect(y.sum().item()).toBe(0);
    expect(rt.calls).toBe(before);
    expect(limits.minFlops).toBeGreaterThan(2 * 6 * 7 * 2);
  });
});

describe('fallback when WebAssembly cannot be instantiated', () => {
  it('warns once and runs the reference', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    resetWasmForTesting(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9]));
    expect(getBackend()).toBe('js');
    const y = conv2dForward(x, xShape, w, wShape, null, params).out;
    conv2dForward(x, xShape, w, wShape, null, params);
    expect(setBackend('wasm')).toBe('js');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      /^fovea: WebAssembly kernels unavailable \(.+\); using the JavaScript kernels$/,
    );
    setBackend('js');
    expect(conv2dForward(x, xShape, w, wShape, null, params).out).toEqual(y);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('recovers when instantiation works again', () => {
    resetWasmForTesting();
    expect(setBackend('wasm')).toBe('wasm');
  });
});

describe('threads', () => {
  it('default to the available cores', async () => {
    const os = await import('node:os');
    expect(getNumThreads()).toBe(os.availableParallelism());
  });

  it('accept positive integers only', () => {
    expect(() => setNumThreads(0)).toThrow("setNumThreads: argument 'n' must be an integer >= 1, got 0");
    expect(() => setNumThreads(1.5)).toThrow(/must be an integer >= 1, got 1.5/);
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });
});
