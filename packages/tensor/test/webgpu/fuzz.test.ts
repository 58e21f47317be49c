import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2d, maxPool2d, rand, randn, setBackend, Tensor, tensor } from '../../src/index.js';
import { checkCall, SCALE, SEED } from '../fuzz/harness.js';
import { argumentList } from '../fuzz/values.js';
import { testGpu } from './gpu.js';

/**
 * Issue 17's fuzz suite on the 'webgpu' backend (SwiftShader stands in for a GPU here and in CI):
 * the moves and reads (`to`, `cpu`, `dataAsync`, `toArrayAsync`, `dataSync`) and a few ops, called
 * on tensors that live on the GPU with arbitrary arguments (GPU tensors among them). Besides the
 * harness's rules (a read must settle within the second), a result that lives on the GPU must
 * hold what the same call gives on the host copies, to 1e-4 (1 + |cpu|), and a call the host
 * refuses must not succeed on the GPU.
 */

const gpu = await testGpu();

/** Each GPU tensor the fuzz made, and the host tensor it is a copy of. */
const hostOf = new WeakMap<Tensor, Tensor>();
function onGpu(t: Tensor): Tensor {
  const copy = t.to('webgpu');
  hostOf.set(copy, t);
  return copy;
}

const gpuTensors = fc
  .constantFrom(
    () => rand([2, 3]),
    () => randn([1, 1, 4, 4]),
    () => rand([3]),
    () => rand([]),
    () => rand([0, 2]),
    () => tensor([1, 2, 3], { dtype: 'int32' }),
    () => tensor([true, false]),
  )
  .map((make) => onGpu(make()));

/** The host copies of `args`: each GPU tensor replaced by what it was copied from. */
const onHost = (args: unknown[]) => args.map((a) => (a instanceof Tensor ? (hostOf.get(a) ?? a) : a));

const METHODS = [
  'to',
  'cpu',
  'dataAsync',
  'toArrayAsync',
  'dataSync',
  'add',
  'mul',
  'matmul',
  'relu',
  'sum',
  'mean',
  'reshape',
  'transpose',
];
const FUNCTIONS: Record<string, (...args: unknown[]) => unknown> = {
  conv2d: conv2d as never,
  maxPool2d: maxPool2d as never,
};

/** A GPU result agrees with the host's, or the host refused too. */
async function agrees(gpuResult: unknown, host: () => unknown): Promise<void> {
  if (!(gpuResult instanceof Tensor) || gpuResult.device !== 'webgpu') return;
  let want: unknown;
  try {
    want = host();
  } catch (error) {
    expect.fail(`the GPU gave a result where the host refused: ${(error as Error).message}`);
  }
  const expected = want as Tensor;
  expect(gpuResult.shape).toEqual(expected.shape);
  expect(gpuResult.dtype).toBe(expected.dtype);
  const got = Array.from(await gpuResult.dataAsync(), Number);
  Array.from(expected.dataSync(), Number).forEach((v, i) => {
    if (Number.isNaN(v)) expect(got[i], `element ${i}`).toBeNaN();
    else if (!Number.isFinite(v)) expect(got[i], `element ${i}`).toBe(v);
    else expect(Math.abs(got[i] - v), `element ${i}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v)));
  });
}

const run = { seed: SEED, numRuns: 25 * SCALE, includeErrorInReport: true };

describe.skipIf(gpu === null)('fuzz: the webgpu backend', () => {
  beforeAll(async () => {
    expect(await setBackend('webgpu')).toBe('webgpu');
  });
  afterAll(() => setBackend('wasm'));

  it.each(METHODS)('x.%s on a GPU tensor', async (name) => {
    await fc.assert(
      fc.asyncProperty(gpuTensors, argumentList([gpuTensors]), async (x, args) => {
        const method = (t: Tensor) => (t as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        const result = await checkCall({ call: `x.${name}` }, args, () => method(x).apply(x, args));
        const host = hostOf.get(x) as Tensor;
        await agrees(result, () => method(host).apply(host, onHost(args)));
      }),
      run,
    );
  });

  it.each(Object.keys(FUNCTIONS))('%s with GPU tensors', async (name) => {
    const fn = FUNCTIONS[name];
    await fc.assert(
      fc.asyncProperty(argumentList([gpuTensors, gpuTensors]), async (args) => {
        const result = await checkCall({ call: name }, args, () => fn(...args));
        await agrees(result, () => fn(...onHost(args)));
      }),
      run,
    );
  });
});
