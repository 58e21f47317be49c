import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import * as T from '../src/index.js';
import { checkCall, fuzzFunction, hostileArgs, SEED } from './fuzz/harness.js';

/**
 * Issue 17's fuzz suite over every exported function of @fovea/tensor and every Tensor method:
 * arbitrary values for each argument (see fuzz/harness.ts for what must hold).
 */

/** They change process-wide state or call back: tested by name in hostile.test.ts and elsewhere. */
const GLOBAL_STATE = new Set([
  'setBackend',
  'setNumThreads',
  'registerKernel',
  'setGradEnabled',
  'manualSeed',
]);

/** PyTorch gives NaN here too: log/sqrt/pow of negatives, 0 / 0, the variance or mean of nothing. */
export const mayMakeNaN = new Set(['log', 'sqrt', 'pow', 'div', 'variance', 'var', 'mean', 'div_', 'std']);

/** The check family takes its caller's name first, a trusted string: its own tests cover it. */
const CHECKS = /^(check[A-Z]|argumentError$|describe$)/;

/** Engine hooks of the class, not the public API: `viewAs` (a raw view), `checkGradient`. */
const HOOKS = new Set(['viewAs', 'checkGradient', 'setGradFn']);

const exported = Object.entries(T).filter(
  ([name, value]) =>
    typeof value === 'function' && !GLOBAL_STATE.has(name) && !CHECKS.test(name) && !/^[A-Z]/.test(name),
) as [string, (...args: unknown[]) => unknown][];

const methods = Object.getOwnPropertyNames(T.Tensor.prototype).filter((name) => {
  const d = Object.getOwnPropertyDescriptor(T.Tensor.prototype, name);
  return name !== 'constructor' && !HOOKS.has(name) && typeof d?.value === 'function';
});

afterAll(() => T.setGradEnabled(true));

describe('fuzz: @fovea/tensor functions', () => {
  it.each(exported)('%s', (name, fn) => fuzzFunction(name, fn, 100, mayMakeNaN.has(name)));
});

describe('fuzz: Tensor methods', () => {
  it.each(methods)('x.%s', (name) => {
    fc.assert(
      fc.property(hostileArgs, (args) => {
        const x = T.randn([2, 3]);
        // biome-ignore lint/suspicious/noExplicitAny: calling each method by name
        checkCall(`x.${name}`, args, () => (x as any)[name](...args), mayMakeNaN.has(name.replace(/_$/, '')));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
