import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, rand } from '../../src/index.js';
import { setNumThreads, threadPool, wasmRuntime } from '../../src/kernels/backend.js';
import { forceWasm } from './setup.js';

/**
 * A worker of the WebAssembly thread pool that dies (killed from outside, as an out-of-memory
 * kill is: none of its code runs) makes the call fail with an error that says so instead of a
 * wait forever; the pool is rebuilt and the next call gives the right answer.
 */

forceWasm(2);
afterAll(() => setNumThreads(1));

const x = rand([2, 4, 16, 16]);
const w = rand([4, 4, 3, 3]);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a worker that dies', () => {
  it('during a call: the call fails with a clear error and the next call works', () => {
    const expected = Array.from(conv2d(x, w).dataSync());
    const pool = threadPool(wasmRuntime()!)!;
    expect(pool).not.toBeNull();
    pool.killWorkerForTesting(0, 300);
    // The worker thread stops on its own; the event loop (and so the pool's 'exit' listener)
    // does not run before the call, which finds out by itself.
    sleepSync(200);
    const started = performance.now();
    expect(() => conv2d(x, w)).toThrow(
      /WebAssembly worker thread 0 (died|stopped answering.*) during the call; the thread pool is restarted for the next call/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(Array.from(conv2d(x, w).dataSync())).toEqual(expected);
    expect(threadPool(wasmRuntime()!)).not.toBe(pool);
  });

  it('between calls: the next call runs on a new pool', async () => {
    const expected = Array.from(conv2d(x, w).dataSync());
    const pool = threadPool(wasmRuntime()!)!;
    pool.killWorkerForTesting(0, 300);
    // Let the 'exit' event reach the pool.
    for (let i = 0; i < 50 && !pool.dead; i++) await new Promise((r) => setTimeout(r, 20));
    expect(pool.dead).toBe(true);
    expect(Array.from(conv2d(x, w).dataSync())).toEqual(expected);
    expect(threadPool(wasmRuntime()!)).not.toBe(pool);
  });
});
