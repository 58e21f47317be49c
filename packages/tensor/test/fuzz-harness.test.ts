import { describe, expect, it } from 'vitest';
import { Tensor, tensor } from '../src/index.js';
import { acceptedNames, checkCall, snakeCase } from './fuzz/harness.js';
import { LIMITS, type Limits, resultBytes } from './fuzz/limits.js';

/** Busy-waits `ms` milliseconds. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

/** `result` after a busy wait of `ms` milliseconds. */
function after<T>(ms: number, result: () => T): T {
  spin(ms);
  return result();
}

/** An uninitialised (so untouched, cheap) float32 tensor of `bytes` bytes. */
const bigTensor = (bytes: number) => Tensor.fromArray(new Float32Array(bytes / 4), [bytes / 4], 'float32');
const MB = 2 ** 20;

/** The fuzz harness's rules fail where they should: otherwise the fuzz suite could not fail. */
describe('the fuzz harness', () => {
  const fails = (call: string, body: () => unknown, args: unknown[] = [], why?: RegExp) =>
    expect(checkCall({ call }, args, body)).rejects.toThrow(why);
  const passes = (call: string, body: () => unknown, args: unknown[] = []) =>
    expect(checkCall({ call }, args, body)).resolves.not.toThrow();

  it("accepts the called function's own name, PyTorch's, or an instance's repr, and no other", async () => {
    expect(snakeCase('maxPool2d')).toBe('max_pool2d');
    expect(snakeCase('MSELoss')).toBe('mse_loss');
    expect(acceptedNames('new Conv2d')).toEqual(['new Conv2d', 'Conv2d']);
    await passes('maxPool2d', () => {
      throw new Error('max_pool2d: bad');
    });
    await passes('Conv2d.forward', () => {
      throw new Error('Conv2d(1, 2, kernel_size=(3, 3)): expected input with 1 channels');
    });
    await passes('setBackend', () => {
      throw new Error("setBackend('webgpu'): no adapter");
    });
    await fails('setBackend', () => {
      throw new Error("setBackendX('webgpu'): no adapter");
    });
    await fails('maxPool2d', () => {
      throw new Error('max: bad');
    });
    await fails('Adam.step', () => {
      throw new Error('SGD.step: bad');
    });
  });

  it('fails a TypeError from inside, a non-Error, and a rejection, however late', async () => {
    await fails('f', () => (undefined as unknown as { x: number }).x);
    await fails('f', () => {
      throw 'f: a string';
    });
    await fails('f', () => Promise.reject(new TypeError('Cannot read properties of undefined')));
    await fails('f', () => new Promise(() => undefined));
    await passes('f', () => Promise.reject(new Error('f: a clear error')));
  });

  it('fails NaN from NaN-free input, and passes it from NaN input', async () => {
    await fails('f', () => tensor([Number.NaN]), [tensor([1])]);
    await passes('f', () => tensor([Number.NaN]), [[1, [Number.NaN]]]);
    await expect(
      checkCall({ call: 'f', mayMakeNaN: true }, [tensor([-1])], () => tensor([Number.NaN])),
    ).resolves.not.toThrow();
  });

  it('fails more than a second or more than 256 MB', async () => {
    await fails('f', () => spin(1100), [], /took/);
    const kept: unknown[] = [];
    await fails(
      'f',
      () => {
        kept.push(new Float64Array(40 * MB));
      },
      [],
      /grew memory/,
    );
    kept.length = 0;
  });

  it('counts the bytes of the tensors and arrays a result holds, each buffer once, however deep', () => {
    const t = bigTensor(8 * MB);
    expect(resultBytes(t)).toBe(8 * MB);
    expect(resultBytes([t, { view: t.reshape([2, -1]) }, new Map([['a', new Uint8Array(MB)]])])).toBe(9 * MB);
    expect(resultBytes({ a: [new Set([new Float64Array(4)])] })).toBe(32);
    expect(resultBytes(5)).toBe(0);
    const lazy = Object.defineProperty({ t }, 'weight', {
      enumerable: true,
      get: () => {
        throw new Error('uninitialized');
      },
    });
    expect(resultBytes(lazy)).toBe(8 * MB);
    const self: unknown[] = [];
    self.push(self, t);
    expect(resultBytes(self)).toBe(8 * MB);
  });

  it('allows a large valid result its own memory, and nothing more', async () => {
    // 1 GB allocated (and kept) for a small result fails; a 1 GB result passes; a 512 MB result
    // that also keeps 512 MB more fails.
    const kept: unknown[] = [];
    const grew = /grew memory/;
    await fails(
      'f',
      () => {
        kept.push(new Float32Array(256 * MB));
        return tensor([1]);
      },
      [],
      grew,
    );
    await passes('f', () => bigTensor(1024 * MB));
    await fails(
      'f',
      () => {
        kept.push(new Float32Array(128 * MB));
        return bigTensor(512 * MB);
      },
      [],
      grew,
    );
    kept.length = 0;
  });

  it('allows a large valid result the time a fill of it takes, and an error no more than the base', async () => {
    // The real rule is 1 s + 4 ns per byte; scaled down to 50 ms so that the test is quick.
    const limits: Limits = { ...LIMITS, baseMs: 50 };
    const check = (body: () => unknown) => checkCall({ call: 'f' }, [], body, limits);
    // 32 MB earn 4 * 32 * 2^20 ns = 134 ms more: 184 ms in all.
    await expect(check(() => after(100, () => bigTensor(32 * MB)))).resolves.not.toThrow();
    await expect(check(() => after(100, () => tensor([1])))).rejects.toThrow(/took/);
    await expect(check(() => after(260, () => bigTensor(32 * MB)))).rejects.toThrow(/took/);
    await expect(
      check(() => {
        spin(100);
        throw new Error('f: too large');
      }),
    ).rejects.toThrow(/took/);
  });
});
