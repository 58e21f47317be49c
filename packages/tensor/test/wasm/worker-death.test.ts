import { afterAll, describe, expect, it } from 'vitest';
import { conv2d, rand } from '../../src/index.js';
import { setNumThreads, threadPool, wasmRuntime } from '../../src/kernels/backend.js';
import { forceWasm } from './setup.js';

/**
 * A worker of the WebAssembly thread pool that dies (killed from outside, as an out-of-memory
 * kill is: none of its code runs) never costs a wait forever. One that dies before claiming a
 * call leaves its chunks to the calling thread, so the calls still give the right answer, and
 * the pool is rebuilt once the worker has claimed nothing for the stall time; one that is found
 * dead while a call waits for it makes that call fail with an error that says so.
 */

forceWasm(2);
afterAll(() => setNumThreads(1));

const x = rand([2, 4, 16, 16]);
const w = rand([4, 4, 3, 3]);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('a worker that dies', () => {
  it('silently, before a call: the calls still give the right answer and the pool is replaced', () => {
    const expected = Array.from(conv2d(x, w).dataSync());
    const pool = threadPool(wasmRuntime()!)!;
    expect(pool).not.toBeNull();
    pool.killWorkerForTesting(0, 300);
    // The worker thread stops on its own; the event loop (and so the pool's 'exit' listener)
    // does not run before the calls, which find out by themselves.
    sleepSync(200);
    const started = performance.now();
    expect(Array.from(conv2d(x, w).dataSync())).toEqual(expected);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(pool.dead).toBe(false);
    sleepSync(400);
    expect(Array.from(conv2d(x, w).dataSync())).toEqual(expected);
    expect(pool.dead).toBe(true);
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
