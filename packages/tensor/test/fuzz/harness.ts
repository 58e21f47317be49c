import fc from 'fast-check';
import { expect } from 'vitest';
import { setGradEnabled, Tensor } from '../../src/index.js';
import { allowedBytes, allowedMs, LIMITS, type Limits, resultBytes } from './limits.js';
import { argumentList, numbersIn, show } from './values.js';

/**
 * The fuzz harness of issue 17, shared by every package's `fuzz.test.ts`: arbitrary JavaScript
 * values for each argument of each exported function (see values.ts), and what must hold of
 * every call:
 *
 * - it returns (an async function: resolves), or throws (rejects with) an `Error` whose message
 *   starts with the called function's own name and a colon (see `acceptedNames`), never an
 *   error from inside (`Cannot read properties of undefined`, `Invalid typed array length`) nor
 *   one naming another function;
 * - a tensor it returns from NaN-free input holds no NaN (except where the caller says PyTorch
 *   gives NaN too: log of a negative number, 0 / 0, ...);
 * - it grows the heap and array buffers by less than 256 MB, and settles within a second, plus,
 *   for what it returns, the bytes of the values returned (the storage of each tensor reachable
 *   from the result, each typed array) and 4 ns per such byte: a valid request for a large
 *   tensor (up to `MAX_ELEMENTS`, 2^31 - 1 elements) may take its own size and the time a plain
 *   fill of it takes (see limits.ts, which measures and justifies the bound). An error returns
 *   nothing, so it must come within 1 s and 256 MB, its size checked before anything is
 *   allocated; an async call must settle within 1 s.
 *
 * Seeded, so a failure names the seed and the path that reproduce it.
 */

/** The seed, 17 unless `FUZZ_SEED` says otherwise (to explore beyond what CI runs). */
export const SEED = Number(process.env.FUZZ_SEED ?? 17);
/** Multiplies every run count (`FUZZ_SCALE=10` for a longer search than CI's). */
export const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** PyTorch's name of a camelCase function: `maxPool2d` is `max_pool2d`, `MSELoss` is `mse_loss`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * What an error of a call may start with, before `: `. A function `maxPool2d` (or `x.maxPool2d`,
 * a Tensor method): its name or PyTorch's, `max_pool2d`. `new Conv2d`: `new Conv2d` or `Conv2d`.
 * A method `Adam.step`: `Adam.step`, or the instance's repr `Conv2d(1, 2, kernel_size=(3, 3))`
 * (STYLE.md's form). A function may also name itself with the argument that failed, as the
 * call reads: `setBackend('webgpu'): `, `to('cpu'): `. `aliases` adds the names a package says a
 * call reports under, each with its reason (a module's forward reports its functional op, as
 * PyTorch's does).
 */
export function acceptedNames(call: string, aliases: readonly string[] = []): string[] {
  const constructed = /^new ([A-Z]\w*)$/.exec(call);
  if (constructed) return [call, constructed[1], ...aliases];
  const method = /^([A-Z]\w*)\.(\w+)$/.exec(call);
  if (method) return [call, `${method[1]}(`, ...aliases];
  const name = call.replace(/^x\./, '');
  return [...new Set([name, snakeCase(name), `${name}(`, ...aliases])];
}

/** Whether `message` starts with one of `accepted`; a name ending in `(` stands for a repr, `Conv2d(...): `. */
function named(message: string, accepted: readonly string[]): boolean {
  return accepted.some((name) =>
    name.endsWith('(')
      ? new RegExp(`^${name.slice(0, -1)}\\([\\s\\S]*?\\): `).test(message)
      : message.startsWith(`${name}: `),
  );
}

function memory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Resolves with the outcome of `promise`, or with a timeout after `ms`. */
async function settle(
  promise: PromiseLike<unknown>,
  ms: number,
): Promise<{ value?: unknown; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<{ error: unknown }>((resolve) => {
    timer = setTimeout(() => resolve({ error: new Error(`did not settle within ${ms} ms`) }), ms);
  });
  try {
    return await Promise.race([
      Promise.resolve(promise).then(
        (value) => ({ value }),
        (error: unknown) => ({ error: error ?? new Error('rejected with nothing') }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CallRule {
  /** How the call is labelled: `zeros`, `x.add`, `new Conv2d`, `Conv2d.forward`. */
  readonly call: string;
  /** Names besides the call's own that its errors may start with (see `acceptedNames`). */
  readonly aliases?: readonly string[];
  /** The result may hold NaN from NaN-free input, as PyTorch's does. */
  readonly mayMakeNaN?: boolean;
}

/**
 * Calls `call()` (awaiting a promise it returns) and checks the four rules; returns its result.
 * `limits` are the fuzz suite's, {@link LIMITS}, unless a test of the harness scales them down.
 */
export async function checkCall(
  rule: CallRule,
  args: readonly unknown[],
  call: () => unknown,
  limits: Limits = LIMITS,
): Promise<unknown> {
  const label = `${rule.call}(${args.map(show).join(', ')})`;
  const before = memory();
  const started = performance.now();
  let outcome: { value?: unknown; error?: unknown };
  try {
    outcome = { value: call() };
  } catch (error) {
    outcome = { error };
  } finally {
    setGradEnabled(true);
  }
  const value = outcome.value as { then?: unknown } | undefined;
  if (outcome.error === undefined && typeof value?.then === 'function') {
    outcome = await settle(value as PromiseLike<unknown>, limits.baseMs);
  }
  const ms = performance.now() - started;
  const growth = memory() - before;
  const bytes = outcome.error === undefined ? resultBytes(outcome.value) : 0;
  const returned = `returning ${(bytes / 2 ** 20).toFixed(1)} MB`;
  expect(ms, `${label} took ${ms.toFixed(0)} ms, ${returned}`).toBeLessThan(allowedMs(limits, bytes));
  expect(growth, `${label} grew memory by ${(growth / 2 ** 20).toFixed(0)} MB, ${returned}`).toBeLessThan(
    allowedBytes(limits, bytes),
  );
  if (outcome.error !== undefined) {
    const error = outcome.error;
    if (!(error instanceof Error)) expect.fail(`${label} threw a non-Error: ${show(error)}`);
    const accepted = acceptedNames(rule.call, rule.aliases);
    if (!named(error.message, accepted)) {
      expect.fail(
        `${label} threw an error that does not start with ${accepted.map((n) => `'${n.endsWith('(') ? `${n}...)` : n}: '`).join(' or ')}: ` +
          `${error.constructor.name}: ${error.message}`,
      );
    }
    return undefined;
  }
  const result = outcome.value;
  if (rule.mayMakeNaN || !(result instanceof Tensor) || result.numel > 1e5 || result.dtype === 'bool') {
    return result;
  }
  if (result.device !== 'cpu') return result;
  if (!numbersIn(args).every(Number.isFinite)) return result;
  if (Array.from(result.dataSync()).some(Number.isNaN)) expect.fail(`${label} gave NaN from NaN-free input`);
  return result;
}

export interface FuzzOptions {
  /** Runs per export (per constructor, then per method of what it built). */
  readonly runs: number;
  /** Valid values of the package mixed into the arguments, so calls get past the first check. */
  readonly valid?: readonly fc.Arbitrary<unknown>[];
  /** Methods called on each instance a constructor returns (`forward`, `step`). */
  readonly methods?: readonly string[];
  /** Static methods fuzzed like functions, each class's that has them (`MNIST.fromBytes`). */
  readonly statics?: readonly string[];
  /** Exports left out, each for a reason the caller gives. */
  readonly skip?: ReadonlySet<string>;
  /** Calls whose result may hold NaN where PyTorch's does. */
  readonly mayMakeNaN?: ReadonlySet<string>;
  /** Per call, names besides its own its errors may start with (see `acceptedNames`). */
  readonly aliases?: Readonly<Record<string, readonly string[]>>;
  /** Makes an instance to call methods on when the fuzzed constructor arguments fail. */
  readonly instances?: Readonly<Record<string, () => unknown>>;
  /**
   * Names a method's errors may start with because of what its instance holds: a container's
   * forward reports the error of the child that failed (`Sequential.forward` as `Conv2d.forward`).
   */
  readonly heldNames?: (instance: unknown) => readonly string[];
}

function rule(call: string, options: FuzzOptions, instance?: unknown): CallRule {
  const held = instance === undefined ? [] : (options.heldNames?.(instance) ?? []);
  const aliases = [...(options.aliases?.[call] ?? []), ...held];
  return { call, aliases, mayMakeNaN: options.mayMakeNaN?.has(call) };
}

/** Runs `runs` calls of `fn` with arbitrary arguments, seeded. */
export async function fuzzFunction(
  call: string,
  fn: (...args: unknown[]) => unknown,
  options: FuzzOptions,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(argumentList(options.valid), async (args) => {
      await checkCall(rule(call, options), args, () => fn(...args));
    }),
    { seed: SEED, numRuns: options.runs * SCALE, includeErrorInReport: true },
  );
}

/**
 * Fuzzes every export of a package module: functions are called with arbitrary arguments;
 * classes are constructed with them and each of `methods` is called, with arbitrary arguments
 * too, on what that built (or, when it threw, on `instances[name]()`, a valid instance).
 */
export function fuzzModule(
  exports: Record<string, unknown>,
  options: FuzzOptions,
): [string, () => Promise<void>][] {
  const cases: [string, () => Promise<void>][] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function' || options.skip?.has(name)) continue;
    if (!/^[A-Z]/.test(name)) {
      cases.push([name, () => fuzzFunction(name, value as (...args: unknown[]) => unknown, options)]);
      continue;
    }
    const Class = value as new (...args: unknown[]) => Record<string, unknown>;
    for (const method of options.statics ?? []) {
      const fn = (Class as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function') continue;
      const call = `${name}.${method}`;
      cases.push([call, () => fuzzFunction(call, (...args) => fn.apply(Class, args), options)]);
    }
    const list = argumentList(options.valid);
    cases.push([
      `new ${name}`,
      () =>
        fc.assert(
          fc.asyncProperty(list, fc.array(list, { minLength: 1, maxLength: 2 }), async (args, calls) => {
            let made = (await checkCall(rule(`new ${name}`, options), args, () => new Class(...args))) as
              | Record<string, unknown>
              | undefined;
            made ??= options.instances?.[name]?.() as Record<string, unknown> | undefined;
            if (made === undefined) return;
            const target = made;
            for (const method of options.methods ?? []) {
              if (typeof target[method] !== 'function') continue;
              for (const callArgs of calls) {
                // Named by the instance's class now: a lazy module becomes another class (LazyConv2d
                // a Conv2d) once it has its shapes, as PyTorch's does.
                const current = (target.constructor as { name?: string } | undefined)?.name ?? name;
                await checkCall(rule(`${current}.${method}`, options, target), callArgs, () =>
                  (target[method] as (...a: unknown[]) => unknown)(...callArgs),
                );
              }
            }
          }),
          { seed: SEED, numRuns: options.runs * SCALE, includeErrorInReport: true },
        ),
    ]);
  }
  return cases;
}
