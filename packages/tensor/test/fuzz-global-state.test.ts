import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  conv2d,
  defaultGenerator,
  getBackend,
  getNumThreads,
  isGradEnabled,
  kernelBackends,
  manualSeed,
  maxThreads,
  rand,
  registeredKernels,
  registerKernel,
  setBackend,
  setGradEnabled,
  setNumThreads,
} from '../src/index.js';
import { checkCall, SCALE, SEED } from './fuzz/harness.js';
import { argumentList } from './fuzz/values.js';
import { findSwiftShader } from './webgpu/gpu.js';

/**
 * Issue 17's fuzz suite over the functions that change process-wide state, which fuzz.test.ts
 * leaves out: each case saves the state, calls with arbitrary arguments (and the valid ones
 * mixed in), checks the rules of fuzz/harness.ts and that the state is what the call said (or
 * unchanged when it threw), runs a convolution under it, and restores it.
 */

/** A conv2d runs, and right, whatever the state the call left: the next call works. */
const probe = () => {
  const x = rand([1, 1, 5, 5]);
  const w = rand([1, 1, 3, 3]);
  const y = conv2d(x, w);
  expect(y.shape).toEqual([1, 1, 3, 3]);
  expect(Number.isFinite(y.sum().item())).toBe(true);
};

interface GlobalState<S> {
  /** Valid arguments mixed into the arbitrary ones. */
  valid: fc.Arbitrary<unknown>[];
  /** Reads the state: before the call, and right after it (the harness then resets grad mode). */
  save: () => S;
  restore: (saved: S) => unknown;
  /** What must hold of the state `now` after the call: `thrown` when it threw; `before` it. */
  after: (args: unknown[], thrown: boolean, before: S, now: S) => void;
}

async function fuzzGlobal<S>(call: string, fn: (...args: unknown[]) => unknown, state: GlobalState<S>) {
  await fc.assert(
    fc.asyncProperty(argumentList(state.valid), async (args) => {
      const saved = state.save();
      try {
        let thrown = true;
        let now = saved;
        // Read synchronously after a synchronous call: the harness resets grad mode after it.
        const observe = <T>(value: T): T => {
          now = state.save();
          return value;
        };
        await checkCall({ call }, args, () => {
          let result: unknown;
          try {
            result = fn(...args);
          } catch (error) {
            throw observe(error);
          }
          if (!(result instanceof Promise)) {
            thrown = false;
            return observe(result);
          }
          return result.then(
            (value) => {
              thrown = false;
              return observe(value);
            },
            (error) => Promise.reject(observe(error)),
          );
        });
        state.after(args, thrown, saved, now);
        probe();
      } finally {
        await state.restore(saved);
      }
    }),
    { seed: SEED, numRuns: 30 * SCALE, includeErrorInReport: true },
  );
}

// setBackend('webgpu') finds SwiftShader's Vulkan when there is no GPU; opened once here, so a
// fuzzed call finds the device open (or no adapter) within the second.
findSwiftShader();
const gpu = await Promise.resolve(setBackend('webgpu')).then(
  () => true,
  () => false,
);
setBackend('wasm');
afterAll(() => {
  setBackend('wasm');
  setGradEnabled(true);
});

describe('fuzz: the functions that change global state, the state restored after each case', () => {
  it('setBackend', async () => {
    const names = fc.constantFrom('js', 'wasm', 'webgpu', 'WASM', ' js', 'cuda', 'webgl');
    await fuzzGlobal('setBackend', setBackend as (...args: unknown[]) => unknown, {
      valid: [names],
      save: getBackend,
      restore: setBackend,
      after: ([name], thrown, before, now) => {
        const reachable = name === 'js' || name === 'wasm' || (name === 'webgpu' && gpu);
        expect(thrown).toBe(!reachable);
        expect(now).toBe(thrown ? before : name);
      },
    });
  });

  it('setNumThreads', async () => {
    const counts = fc.constantFrom(1, 2, maxThreads(), maxThreads() + 1, 0.5, 1000);
    await fuzzGlobal('setNumThreads', setNumThreads as (...args: unknown[]) => unknown, {
      valid: [counts],
      save: getNumThreads,
      restore: setNumThreads,
      after: ([n], thrown, before, now) => {
        const valid = Number.isInteger(n) && (n as number) >= 1 && (n as number) <= maxThreads();
        expect(thrown).toBe(!valid);
        expect(now).toBe(thrown ? before : n);
      },
    });
  });

  it('setGradEnabled', async () => {
    await fuzzGlobal('setGradEnabled', setGradEnabled as (...args: unknown[]) => unknown, {
      valid: [fc.boolean()],
      save: isGradEnabled,
      restore: setGradEnabled,
      after: ([enabled], thrown, before, now) => {
        expect(thrown).toBe(typeof enabled !== 'boolean');
        expect(now).toBe(thrown ? before : enabled);
      },
    });
  });

  it('manualSeed', async () => {
    await fuzzGlobal('manualSeed', manualSeed as (...args: unknown[]) => unknown, {
      valid: [fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 70n })],
      save: () => defaultGenerator.initialSeed(),
      restore: manualSeed,
      after: ([seed], thrown, before, now) => {
        // Any integer, as a number or a bigint, negative too (PyTorch's seed is any int64 or uint64).
        const valid = Number.isSafeInteger(seed) || typeof seed === 'bigint';
        expect(thrown).toBe(!valid);
        expect(now).toBe(thrown ? before : Number(BigInt.asUintN(32, BigInt(seed as number | bigint))));
      },
    });
  });

  it('registerKernel', async () => {
    // A fuzzed registration under a built-in kernel's name would replace it for the rest of the
    // file (the registry keeps no way back, by design): such names are prefixed, so every case
    // registers a new kernel, and the built-in ones stay as they were.
    const builtIn = new Set(registeredKernels());
    const names = fc.constantFrom('fuzz.kernel', '', 'fuzz kernel', 'gemm', 'conv2dForward');
    const backends = fc.constantFrom('js', 'wasm', 'webgpu', 'cuda');
    const kernels = fc.constantFrom(
      () => 0,
      (x: number) => x,
    );
    await fuzzGlobal(
      'registerKernel',
      (name, ...rest) =>
        (registerKernel as (...args: unknown[]) => unknown)(
          builtIn.has(name as string) ? `fuzz.${name}` : name,
          ...rest,
        ),
      {
        valid: [names, backends, kernels],
        save: () => registeredKernels(),
        restore: () => undefined,
        after: ([name, backend, kernel], thrown) => {
          const valid =
            typeof name === 'string' &&
            name !== '' &&
            (backend === 'js' || backend === 'wasm' || backend === 'webgpu') &&
            typeof kernel === 'function';
          expect(thrown).toBe(!valid);
          const registered = builtIn.has(name as string) ? `fuzz.${name}` : name;
          if (valid) expect(kernelBackends(registered as string)).toContain(backend);
          expect(registeredKernels().filter((k) => builtIn.has(k))).toEqual([...builtIn].sort());
        },
      },
    );
  });
});
