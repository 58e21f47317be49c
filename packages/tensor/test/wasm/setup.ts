import { afterAll, beforeAll, expect } from 'vitest';
import {
  type Backend,
  getBackend,
  setBackend,
  setNumThreads,
  wasmRuntime,
} from '../../src/kernels/backend.js';
import { limits } from '../../src/kernels/wasm/limits.js';

/** Deterministic float32 values in [-1, 1). */
export { seededUniform as randomFloats } from '@fovea/golden';

/** The limits as the package sets them, before any suite forces a path. */
export const defaultLimits: Readonly<typeof limits> = { ...limits };

/** The backends every kernel spec runs on (as tfjs runs each spec under each backend). */
export const BACKENDS: readonly Backend[] = ['js', 'wasm'];

/** LeNet's average pooling (2 x 2, stride 2, no padding), as the pooling kernels take it. */
export const LENET_POOL = {
  kernel: [2, 2],
  stride: [2, 2],
  padding: [0, 0],
  ceilMode: false,
  countIncludePad: true,
} as const;

/**
 * Runs the suite with the WebAssembly backend forced on every size (and, with `threads`, that
 * many threads from the smallest call), restoring the defaults and the backend afterwards.
 */
export function forceWasm(threads = 1): void {
  let before: Backend = 'wasm';
  beforeAll(() => {
    before = getBackend();
    expect(setBackend('wasm')).toBe('wasm');
    setNumThreads(threads);
    limits.minFlops = 0;
    limits.minPoolElements = 0;
    limits.minElementwise = 0;
    limits.minActivation = 0;
    limits.parallelFlops = threads > 1 ? 0 : Number.POSITIVE_INFINITY;
    limits.parallelFlopsPerOutput = threads > 1 ? 0 : Number.POSITIVE_INFINITY;
    limits.parallelPoolElements = threads > 1 ? 0 : Number.POSITIVE_INFINITY;
  });
  afterAll(() => {
    Object.assign(limits, defaultLimits);
    setBackend(before);
  });
}

/**
 * Runs the enclosing suite on `backend`: 'js' selects the TypeScript reference kernels, 'wasm'
 * the WebAssembly ones forced on every size (`forceWasm`), 'webgpu' the GPU's (the suite's
 * tensors must be made there, `{ device: 'webgpu' }`); the backend in effect before the
 * suite is selected again after it.
 */
export function useBackend(backend: Backend): void {
  if (backend === 'wasm') {
    forceWasm();
    return;
  }
  let before: Backend = 'wasm';
  beforeAll(async () => {
    before = getBackend();
    expect(await setBackend(backend)).toBe(backend);
  });
  afterAll(() => {
    setBackend(before);
  });
}

/** `f` on `threads` threads; then `after` threads again (the 2 of a suite run by `forceWasm(2)`). */
export function withThreads<T>(threads: number, f: () => T, after = 2): T {
  setNumThreads(threads);
  try {
    return f();
  } finally {
    setNumThreads(after);
  }
}

/** Whether this V8 keeps relaxed SIMD behind its flag: before 11.4 (Node 20), which shipped it. */
export function relaxedSimdBehindFlag(): boolean {
  const [major, minor] = process.versions.v8.split('.').map(Number);
  return major < 11 || (major === 11 && minor < 4);
}

/** Kernel calls the WebAssembly runtime has made so far. */
export function wasmCalls(): number {
  expect(getBackend()).toBe('wasm');
  return wasmRuntime()!.calls;
}

/** Runs `check` on `backend`; on 'wasm', expects it to have called the WebAssembly kernels. */
export function onBackend(backend: Backend, check: () => void): void {
  const calls = backend === 'wasm' ? wasmCalls() : 0;
  check();
  if (backend === 'wasm') expect(wasmCalls(), 'WebAssembly kernel calls').toBeGreaterThan(calls);
}

/**
 * Expects |actual - expected| <= rtol * scale + atol elementwise, where `scale` is the sum of
 * the absolute values of the terms behind each element (float32 accumulation error grows with
 * it), reporting the worst element.
 */
export function expectNear(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  scale: ArrayLike<number>,
  label: string,
  rtol = 3e-5,
  atol = 1e-6,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let excess = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) - (rtol * Math.abs(scale[i]) + atol);
    if (!(e <= 0) && (worst < 0 || e > excess)) {
      worst = i;
      excess = e;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (scale ${scale[worst]})`,
    );
  }
}

export function abs<T extends Float32Array | Float64Array>(a: T): T {
  return a.map(Math.abs) as T;
}

/**
 * `compute` on float64 copies of its operands (`v`), then on their absolute values: the exact
 * result and `expectNear`'s scale (the sum of the absolute values of each element's terms).
 */
export function exactAndScale<T>(compute: (v: (a: Float32Array) => Float64Array) => T): {
  exact: T;
  scale: T;
} {
  return {
    exact: compute((a) => Float64Array.from(a)),
    scale: compute((a) => abs(Float64Array.from(a))),
  };
}

/** The bits of each float32 of `a`, for comparing results exactly, NaN payloads included. */
export function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** Expects `actual` to hold `expected`'s values bit for bit (Object.is: NaN equals NaN, -0 is not 0). */
export function expectSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
