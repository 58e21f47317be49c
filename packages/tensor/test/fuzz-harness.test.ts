import { describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { acceptedNames, checkCall, snakeCase } from './fuzz/harness.js';

/** The fuzz harness's rules fail where they should: otherwise the fuzz suite could not fail. */
describe('the fuzz harness', () => {
  const fails = (call: string, body: () => unknown, args: unknown[] = []) =>
    expect(checkCall({ call }, args, body)).rejects.toThrow();
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
    await fails('f', () => {
      const end = performance.now() + 1100;
      while (performance.now() < end);
    });
    await fails('f', () => new Float64Array(40 * 2 ** 20));
  });
});
