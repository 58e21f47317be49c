import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ones, randn, setBackend, type Tensor } from '../../src/index.js';
import { webGpuMemory } from '../../src/webgpu/index.js';
import { testGpu } from './gpu.js';

/**
 * GPU memory over long loops, measured as the bytes the backend's buffer pool accounts for
 * (webgpu/buffer-pool.ts), never by time: with `dispose()`, or with the garbage collector
 * releasing what a loop dropped, buffers are reused and the device's memory stays bounded.
 */

const gpu = await testGpu();

// The collector, called explicitly so that the test does not depend on when V8 would run it.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Full collections, each followed by turns of the event loop for the FinalizationRegistry's
 * callbacks: twice, since what one round's callbacks release (a read's staging buffer, a view's
 * base) may only become collectable then. One round once fell short on a heavily loaded machine.
 */
async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 2; round++) {
    collect();
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

const KiB = 1024;

/**
 * Totals sampled every ten iterations after a collection: after the first two (which fill the
 * pool) they grow by less than a tenth, where ten iterations without reuse would add their
 * whole allocation each time.
 */
function expectBounded(totals: readonly number[]): void {
  const settled = totals.slice(2);
  expect(Math.max(...settled)).toBeLessThanOrEqual(1.1 * totals[1]);
}
/** 256 KiB of float32. */
const SIZE = [256, 256];

describe.skipIf(gpu === null)('GPU memory on webgpu stays bounded over loops', () => {
  beforeAll(async () => {
    expect(await setBackend('webgpu')).toBe('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  const memory = () => webGpuMemory()!;

  it('disposed tensors give their buffers back for the next iteration to reuse', async () => {
    const x = randn(SIZE, { device: 'webgpu' });
    const step = async () => {
      const a = x.mul(2);
      const b = a.add(1);
      const s = b.sum(1);
      await s.dataAsync();
      for (const t of [a, b, s]) t.dispose();
    };
    for (let i = 0; i < 5; i++) await step();
    const before = memory();
    for (let i = 0; i < 40; i++) await step();
    const after = memory();
    // 40 iterations of 513 KiB each: without reuse the pool would have grown by 20 MiB. Only the
    // one-element operands (2 and 1, copied over) wait for the collector.
    expect(after.liveBytes - before.liveBytes).toBeLessThan(KiB);
    expect(after.liveBytes + after.idleBytes).toBeLessThan(before.liveBytes + before.idleBytes + KiB);
  });

  it('buffers of tensors the loop dropped come back when they are collected', async () => {
    const x = randn(SIZE, { device: 'webgpu' });
    const live: number[] = [];
    for (let i = 0; i < 60; i++) {
      await x.mul(2).add(1).sum(1).dataAsync();
      if (i % 10 === 9) {
        await collectGarbage();
        live.push(memory().liveBytes + memory().idleBytes);
      }
    }
    expectBounded(live);
  });

  it('a training step on the GPU reuses its buffers from one iteration to the next', async () => {
    const w = randn([64, 64], { device: 'webgpu' }).requiresGrad_();
    const input = randn([32, 64], { device: 'webgpu' });
    const step = async () => {
      const loss = input.matmul(w).relu().square().mean();
      loss.backward();
      await loss.dataAsync();
      w.grad = null;
    };
    const totals: number[] = [];
    for (let i = 0; i < 60; i++) {
      await step();
      if (i % 10 === 9) {
        await collectGarbage();
        totals.push(memory().liveBytes + memory().idleBytes);
      }
    }
    expectBounded(totals);
  });

  it('a disposed tensor, and its views, fail clearly; a reused buffer reads as zeros where zeros are asked', async () => {
    const t = ones([4, 4], { device: 'webgpu' });
    const view = t.slice('1:3');
    t.dispose();
    await expect(t.dataAsync()).rejects.toThrow(/was released \(Tensor.dispose or GpuArray.destroy\)/);
    expect(() => view.mul(2)).toThrow(/was released/);
    const again: Tensor = ones([4, 4], { device: 'webgpu' })
      .mul(0)
      .add(ones([4, 4], { device: 'webgpu' }));
    expect(Array.from(await again.dataAsync())).toEqual(new Array(16).fill(1));
  });
});
