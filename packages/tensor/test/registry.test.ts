import { seededUniform } from '@fovea/golden';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2d, getBackend, matmul, setBackend, Tensor } from '../src/index.js';
import {
  DECLINED,
  defineKernel,
  kernelBackends,
  registeredKernels,
  registerKernel,
  traceKernels,
} from '../src/kernels/registry.js';

/**
 * The kernel registry: the backend in effect runs its kernel or falls back, visibly, to the
 * reference; and results do not depend on what ran before (the review's experiment: a float32
 * matmul before and after an unrelated conv2d loaded the WebAssembly module). This file must run
 * in its own module graph (vitest isolates files), so the first matmul here runs before the
 * module is loaded.
 */

function floats(seed: number, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(seededUniform(seed, n), shape, 'float32');
}

function bits(t: Tensor): Uint32Array {
  return new Uint32Array(t.dataSync().slice().buffer);
}

describe('results that never depend on call history', () => {
  it('gives a 64 x 300 @ 300 x 64 float32 matmul the same bits before and after a conv2d', () => {
    const a = floats(1, [64, 300]);
    const b = floats(2, [300, 64]);
    const before = traceKernels(() => matmul(a, b));
    conv2d(floats(3, [1, 8, 32, 32]), floats(4, [16, 8, 3, 3]));
    const after = traceKernels(() => matmul(a, b));
    expect(bits(after.result)).toEqual(bits(before.result));
    // Both ran on the backend in effect's terms: the reference before the module was loaded (a
    // visible fallback), WebAssembly after; the kernels agree bit for bit.
    expect(before.kernels).toEqual([{ kernel: 'gemm', backend: 'js', fellBackFrom: 'wasm' }]);
    expect(after.kernels).toEqual([{ kernel: 'gemm', backend: 'wasm' }]);
    expect(getBackend()).toBe('wasm');
  });

  it('gives the same bits on the js and wasm backends for matmul', () => {
    const a = floats(5, [33, 517]);
    const b = floats(6, [517, 29]);
    const onWasm = matmul(a, b);
    setBackend('js');
    try {
      const onJs = traceKernels(() => matmul(a, b));
      expect(onJs.kernels).toEqual([{ kernel: 'gemm', backend: 'js' }]);
      expect(bits(onJs.result)).toEqual(bits(onWasm));
    } finally {
      setBackend('wasm');
    }
  });
});

describe('the registry', () => {
  afterEach(() => {
    setBackend('wasm');
  });

  it('runs the kernel of the backend in effect and falls back to the reference when it declines', () => {
    const reference = (x: number) => 2 * x;
    let doubled = defineKernel(
      'test.double',
      reference,
      { wasm: (x: number) => (x < 0 ? DECLINED : 20 * x) },
      (kernel) => {
        doubled = kernel;
      },
    );
    expect(kernelBackends('test.double')).toEqual(['js', 'wasm']);
    const { result, kernels } = traceKernels(() => [doubled(1), doubled(-1)]);
    expect(result).toEqual([20, -2]);
    expect(kernels).toEqual([
      { kernel: 'test.double', backend: 'wasm' },
      { kernel: 'test.double', backend: 'js', fellBackFrom: 'wasm' },
    ]);
    setBackend('js');
    expect(traceKernels(() => doubled(1))).toEqual({
      result: 2,
      kernels: [{ kernel: 'test.double', backend: 'js' }],
    });
    // Untraced, with no other backend's kernel to try, ops call the reference itself.
    expect(doubled).toBe(reference);
  });

  it('takes kernels registered later, for a backend shipped separately', () => {
    let halved = defineKernel(
      'test.half',
      (x: number) => x / 2,
      {},
      (kernel) => {
        halved = kernel;
      },
    );
    expect(traceKernels(() => halved(8)).kernels).toEqual([
      { kernel: 'test.half', backend: 'js', fellBackFrom: 'wasm' },
    ]);
    registerKernel('test.half', 'wasm', (x: number) => x * 0.5 + 100);
    expect(halved(8)).toBe(104);
    expect(kernelBackends('test.half')).toEqual(['js', 'wasm']);
  });

  it('has a reference for every built-in kernel and WebAssembly for the heavy ones', () => {
    const names = registeredKernels().filter((name) => !name.startsWith('test.'));
    for (const name of names) expect(kernelBackends(name)[0], name).toBe('js');
    const withWasm = names.filter((name) => kernelBackends(name).includes('wasm'));
    expect(withWasm).toEqual([
      'addScaledInPlace',
      'avgPool2dBackward',
      'avgPool2dForward',
      'conv2dBackwardBias',
      'conv2dBackwardInput',
      'conv2dBackwardWeight',
      'conv2dForward',
      'gemm',
      'mapStrided',
      'maxPool2dBackward',
      'maxPool2dForward',
      'sigmoidBackward',
      'sigmoidForward',
      'zipStrided',
    ]);
  });

  it('refuses an unknown backend, naming it and the kernel', () => {
    expect(() => registerKernel('test.x', 'cuda' as 'js', () => 0)).toThrow(
      'registerKernel: unknown backend "cuda" for kernel test.x',
    );
  });
});
