import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import * as T from '../src/index.js';
import { checkCall, fuzzModule, SCALE, SEED } from './fuzz/harness.js';
import { argumentList } from './fuzz/values.js';

/**
 * Issue 17's fuzz suite over every exported function and class of @fovea/tensor and every Tensor
 * method: arbitrary values for each argument (see fuzz/harness.ts for what must hold).
 */

/**
 * They change process-wide state: fuzzed in fuzz-global-state.test.ts, which restores the state
 * after each case (registerKernel under new names only: the registry cannot give a replaced
 * built-in kernel back). The 'webgpu' paths are fuzzed in webgpu/fuzz.test.ts on SwiftShader.
 * Not fuzzed: `setBackend('webgpu')` without an adapter (the adapter search happens once per
 * process; webgpu/backend.test.ts runs it in a process without a driver), a worker thread that
 * dies (that takes a killed thread, not an argument: wasm/worker-death.test.ts kills one), and
 * the browser's WebGPU (Chromium is too slow to start for this suite; webgpu/chromium.test.ts
 * runs the kernels there).
 */
const GLOBAL_STATE = new Set([
  'setBackend',
  'setNumThreads',
  'registerKernel',
  'setGradEnabled',
  'manualSeed',
]);

/** PyTorch gives NaN here too: log/sqrt/pow of negatives, 0 / 0, the variance or mean of nothing. */
const NAN_OPS = ['log', 'sqrt', 'pow', 'div', 'variance', 'var', 'mean', 'std'];
const mayMakeNaN = new Set([
  ...NAN_OPS,
  ...NAN_OPS.map((op) => `x.${op}`),
  ...NAN_OPS.map((op) => `x.${op}_`),
]);

/** The check family takes its caller's name first, a trusted string: its own tests cover it. */
const CHECKS = /^(check[A-Z]|argumentError$|describe$)/;

/**
 * `Tensor`'s constructor is internal (the creation functions make tensors), and so are these
 * engine hooks of the class: `viewAs` (a raw view), `setGradFn`, `trackViewHistory`, and the
 * autograd engine's `checkGradient` and `defaultGradient` (which report as `backward`).
 */
const INTERNAL = new Set([
  'Tensor',
  'viewAs',
  'checkGradient',
  'defaultGradient',
  'setGradFn',
  'trackViewHistory',
]);

/**
 * Names other than its own a function reports under: `variance` is PyTorch's `var` (and the
 * method `x.var`); `im2col` is `unfold` itself, one function under two names (PyTorch's `F.unfold`).
 */
const aliases = { variance: ['var'], im2col: ['unfold'] };

const exported = Object.fromEntries(
  Object.entries(T).filter(([name]) => !GLOBAL_STATE.has(name) && !CHECKS.test(name) && !INTERNAL.has(name)),
);

const methods = Object.getOwnPropertyNames(T.Tensor.prototype).filter((name) => {
  const d = Object.getOwnPropertyDescriptor(T.Tensor.prototype, name);
  return name !== 'constructor' && !INTERNAL.has(name) && typeof d?.value === 'function';
});

afterAll(() => T.setGradEnabled(true));

describe('fuzz: @fovea/tensor exports', () => {
  const options = { runs: 60, mayMakeNaN, aliases, methods: ['manualSeed', 'initialSeed', 'normal'] };
  it.each(fuzzModule(exported, options))('%s', (_, run) => run());
});

describe('fuzz: Tensor methods', () => {
  it.each(methods)('x.%s', async (name) => {
    await fc.assert(
      fc.asyncProperty(argumentList(), async (args) => {
        const x = T.randn([2, 3]);
        const method = (x as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        await checkCall({ call: `x.${name}`, mayMakeNaN: mayMakeNaN.has(`x.${name}`) }, args, () =>
          method.apply(x, args),
        );
      }),
      { seed: SEED, numRuns: 40 * SCALE, includeErrorInReport: true },
    );
  });
});
