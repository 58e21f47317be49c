import fc from 'fast-check';
import { expect } from 'vitest';
import { rand, randn, setGradEnabled, Tensor, tensor } from '../../src/index.js';

/**
 * The fuzz harness of issue 17, shared by every package's `fuzz.test.ts`: arbitrary JavaScript
 * values for each argument of each exported function, and what must hold of every call:
 *
 * - it returns, or throws an `Error` whose message starts with a function's name and a colon
 *   (`zeros: ...`, `Adam.loadStateDict: ...`), never an error from inside (`Cannot read
 *   properties of undefined`, `Invalid typed array length`);
 * - a tensor it returns from NaN-free, finite input holds no NaN (except the functions listed in
 *   `mayMakeNaN`, where PyTorch gives NaN too: log of a negative number, 0 / 0, ...);
 * - it grows the heap and array buffers by less than 256 MB, and takes less than a second.
 *
 * Seeded, so a failure names the seed and the path that reproduce it.
 */

export const SEED = 17;
const MAX_GROWTH = 256 * 2 ** 20;
const MAX_MS = 1000;

/** Tensors of the shapes and dtypes ops meet: images, matrices, scalars, empty, int and bool. */
const tensors: fc.Arbitrary<Tensor> = fc
  .constantFrom(
    () => rand([1, 1, 4, 4]),
    () => randn([2, 3]),
    () => rand([3]),
    () => rand([]),
    () => rand([0, 2]),
    () => randn([2, 3, 5, 5], { dtype: 'float64' }),
    () => tensor([1, 2, 3], { dtype: 'int32' }),
    () => tensor([true, false]),
    () => rand([2, 2], { requiresGrad: true }),
  )
  .map((make) => make());

/** Arbitrary JavaScript values, biased to what breaks argument handling. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 6 }),
  fc.constantFrom(
    0,
    -1,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e10,
    2 ** 31,
    2 ** 55,
    -0,
    1e5,
  ),
  fc.constantFrom('x', '', 'float32', 'int32', 'same', 'mean', 'constant', 'conv'),
  fc.constantFrom(null, undefined, true, false),
  fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 4 }),
  fc.constantFrom([[1, 2]], [[1], [2, 3]], [null], ['a'], [1.5, 2]),
  fc.constantFrom(
    {},
    { stride: 'x' },
    { padding: 1e5 },
    { dtype: 'x' },
    { reduction: 'x' },
    { kernel: 3, type: 'conv' },
  ),
  fc.constantFrom(
    () => 1,
    Symbol('s'),
    10n,
    new DataView(new ArrayBuffer(4)),
    new Float32Array([1, 2]),
    new Map(),
  ),
  tensors,
);

export const hostileArgs = fc.array(hostileValue, { maxLength: 4 });

function values(x: unknown, depth = 0): number[] {
  if (typeof x === 'number') return [x];
  if (x instanceof Tensor) return x.numel <= 1e5 && x.dtype !== 'bool' ? Array.from(x.dataSync()) : [];
  if (Array.isArray(x) && depth < 3) return x.flatMap((v) => values(v, depth + 1));
  if (typeof x === 'object' && x !== null && depth < 2 && !ArrayBuffer.isView(x)) {
    return Object.values(x).flatMap((v) => values(v, depth + 1));
  }
  return [];
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** An error message that starts with a name and a colon: `max_pool2d: ...`, `Adam.step: ...`. */
const NAMED = /^[A-Za-z_$][\w$.]*(\(\))?(\[\d+\])?: /;

/**
 * Calls `call(args)` and checks the four rules; `name` labels a failure, `mayMakeNaN` says the
 * result may hold NaN where PyTorch's does.
 */
export function checkCall(
  name: string,
  args: readonly unknown[],
  call: () => unknown,
  mayMakeNaN = false,
): void {
  const before = memory();
  const started = performance.now();
  let result: unknown;
  let thrown: unknown = null;
  try {
    result = call();
  } catch (error) {
    thrown = error;
  } finally {
    setGradEnabled(true);
  }
  const ms = performance.now() - started;
  const label = `${name}(${args.map(show).join(', ')})`;
  expect(ms, `${label} took ${ms.toFixed(0)} ms`).toBeLessThan(MAX_MS);
  expect(memory() - before, `${label} grew memory`).toBeLessThan(MAX_GROWTH);
  if (thrown !== null) {
    if (!(thrown instanceof Error)) expect.fail(`${label} threw a non-Error: ${String(thrown)}`);
    if (!NAMED.test(thrown.message)) {
      expect.fail(
        `${label} threw an error that names no function: ${thrown.constructor.name}: ${thrown.message}`,
      );
    }
    return;
  }
  if (result instanceof Promise) {
    // An async export's rejection is not checked here (the suite is synchronous); it must not
    // go unhandled either.
    result.catch(() => undefined);
    return;
  }
  if (mayMakeNaN || !(result instanceof Tensor) || result.numel > 1e5 || result.dtype === 'bool') return;
  const inputs = args.flatMap((a) => values(a));
  if (!inputs.every(Number.isFinite)) return;
  const out = Array.from(result.dataSync());
  if (out.some(Number.isNaN)) expect.fail(`${label} gave NaN from NaN-free input`);
}

export function show(value: unknown): string {
  if (value instanceof Tensor) return `Tensor(${value.dtype} [${value.shape.join(', ')}])`;
  if (typeof value === 'function') return 'function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Runs `runs` hostile calls of `fn`, seeded. */
export function fuzzFunction(
  name: string,
  fn: (...args: unknown[]) => unknown,
  runs: number,
  mayMakeNaN = false,
): void {
  fc.assert(
    fc.property(hostileArgs, (args) => {
      checkCall(name, args, () => fn(...args), mayMakeNaN);
    }),
    { seed: SEED, numRuns: runs },
  );
}

/**
 * Fuzzes every export of a package module: functions are called with hostile arguments; classes
 * are constructed with them and, when that works, `method` (forward, step) is called with
 * hostile arguments too. `skip` names exports left out, each for a reason the caller gives.
 */
export function fuzzModule(
  exports: Record<string, unknown>,
  options: { runs: number; method?: string; skip?: ReadonlySet<string>; mayMakeNaN?: ReadonlySet<string> },
): [string, () => void][] {
  const cases: [string, () => void][] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function' || options.skip?.has(name)) continue;
    const nan = options.mayMakeNaN?.has(name) ?? false;
    if (/^[A-Z]/.test(name)) {
      const Class = value as new (...args: unknown[]) => Record<string, unknown>;
      cases.push([
        `new ${name}`,
        () =>
          fc.assert(
            fc.property(hostileArgs, hostileArgs, (args, callArgs) => {
              let made: Record<string, unknown> | undefined;
              checkCall(`new ${name}`, args, () => {
                made = new Class(...args);
              });
              const method = options.method;
              if (made !== undefined && method !== undefined && typeof made[method] === 'function') {
                const target = made;
                checkCall(
                  `${name}.${method}`,
                  callArgs,
                  () => (target[method] as (...a: unknown[]) => unknown)(...callArgs),
                  nan,
                );
              }
            }),
            { seed: SEED, numRuns: options.runs },
          ),
      ]);
    } else {
      cases.push([
        name,
        () => fuzzFunction(name, value as (...args: unknown[]) => unknown, options.runs, nan),
      ]);
    }
  }
  return cases;
}
