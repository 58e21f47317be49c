import { getBackend, rand, setBackend, type Tensor } from '@fovea/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCall, SCALE, SEED } from '../../tensor/test/fuzz/harness.js';
import { argument } from '../../tensor/test/fuzz/values.js';
import { findSwiftShader } from '../../tensor/test/webgpu/gpu.js';
import {
  BatchNorm2d,
  Conv2d,
  LazyConv2d,
  Linear,
  type Module,
  Parameter,
  ReLU,
  Sequential,
} from '../src/index.js';

/**
 * Issue 17's fuzz suite over `Module.to`, which fuzz.test.ts leaves out (it needs a device):
 * layers moved to arbitrary devices, with the 'webgpu' backend closed and then open (SwiftShader
 * stands in for a GPU; without one, the open half is skipped as the WebGPU tests are). A move
 * either puts every floating parameter and buffer on the device, after which a forward on an
 * input there works, or fails naming `Class.to` and leaves every tensor where it was.
 */

const modules = fc
  .constantFrom(
    () => new Conv2d(1, 2, 3),
    () => new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new ReLU()),
    () => new Linear(3, 2),
    // A float64 parameter cannot live on 'webgpu': moved after the others, it must undo nothing.
    () => {
      const layer = new Linear(3, 2);
      layer.registerParameter('scale', new Parameter(rand([2], { dtype: 'float64' })));
      return layer;
    },
    () => new LazyConv2d(2, 3),
  )
  .map((make) => make());

const devices = fc.oneof(fc.constantFrom('cpu', 'webgpu', 'cuda', 'WEBGPU', ''), argument());

/** Where each parameter and buffer of `module` lives, by name. */
function placement(module: Module): Record<string, string> {
  const tensors: [string, Tensor][] = [...module.namedParameters(), ...module.namedBuffers()];
  return Object.fromEntries(tensors.map(([name, t]) => [name, t.device]));
}

const input = (module: Module) => (module instanceof Linear ? rand([1, 3]) : rand([1, 1, 5, 5]));

async function fuzzTo(): Promise<void> {
  await fc.assert(
    fc.asyncProperty(modules, devices, async (module, device) => {
      const before = placement(module);
      const name = module.constructor.name;
      const moved = await checkCall({ call: `${name}.to`, aliases: [`${name}(`] }, [device], () =>
        module.to(device as never),
      );
      if (moved === undefined) {
        expect(placement(module)).toEqual(before);
        return;
      }
      expect(moved).toBe(module);
      // Integer buffers (batch norm's step count) stay on the host, where they are read.
      for (const [key, where] of Object.entries(placement(module))) {
        if (!key.endsWith('num_batches_tracked')) expect(where, key).toBe(device);
      }
      // A module with nothing to move (a lazy one before its first forward) moves anywhere.
      if (device === 'webgpu' && getBackend() !== 'webgpu') return;
      const x = input(module);
      const y = module.forward(device === 'webgpu' ? x.to('webgpu') : x) as Tensor;
      expect(y.device).toBe(device);
      const values = await y.dataAsync();
      expect(Array.from(values).every(Number.isFinite)).toBe(true);
    }),
    { seed: SEED, numRuns: 40 * SCALE, includeErrorInReport: true },
  );
}

findSwiftShader();
const before = getBackend();
afterAll(() => setBackend(before === 'webgpu' ? 'wasm' : before));

describe('fuzz: Module.to', () => {
  it('with the webgpu backend closed', fuzzTo);

  it('with the webgpu backend open', async (context) => {
    try {
      await setBackend('webgpu');
    } catch (error) {
      if (process.env.CI) throw error;
      context.skip(`no WebGPU adapter: ${(error as Error).message}`);
    }
    await fuzzTo();
  });
});
