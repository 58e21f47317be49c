import { execFileSync } from 'node:child_process';
import type * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ones, rand, setBackend, tensor } from '@fovea/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { findSwiftShader } from '../../tensor/test/webgpu/gpu.js';
import {
  BatchNorm2d,
  Conv2D,
  Conv2d,
  CrossEntropyLoss,
  Dropout,
  deserialize,
  functional as F,
  init,
  LazyConv2d,
  LazyLinear,
  Linear,
  LogSoftmax,
  load,
  MaxUnpool2d,
  ModuleList,
  MSELoss,
  Parameter,
  SafetensorsError,
  Sequential,
  Softmax,
  save,
  serialize,
} from '../src/index.js';

/** Issue 17's cases for @fovea/nn: each gives a clear error naming the function that failed. */

/** While set, `writeSync` writes half of what it is given, then fails as a full disk does. */
const disk = { failing: false };
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  let wrote = false;
  const writeSync = (...args: Parameters<typeof real.writeSync>) => {
    if (!disk.failing) return real.writeSync(...args);
    if (wrote) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    wrote = true;
    const [fd, buffer, offset, length] = args as unknown as [number, Uint8Array, number, number];
    return real.writeSync(fd, buffer, offset, Math.ceil(length / 2));
  };
  return { ...real, writeSync, default: { ...real, writeSync } };
});

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;
const directory = mkdtempSync(join(tmpdir(), 'fovea-hostile-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('@fovea/nn under hostile input', () => {
  it('MSELoss on shapes that do not broadcast reports mse_loss', () => {
    expect(() => new MSELoss().forward(rand([2]), rand([3]))).toThrow(
      'mse_loss: cannot broadcast [2] with [3]',
    );
    expect(() => F.mseLoss(rand([2]), any([1, 2]))).toThrow(/^mse_loss: argument 'target' must be a Tensor/);
  });

  it('softmax(x, 5) reports softmax, not max', () => {
    expect(() => F.softmax(rand([3]), 5)).toThrow(
      'softmax: dimension 5 is out of range for a tensor with 1 dimensions',
    );
    expect(() => F.logSoftmax(rand([3]), any('a'))).toThrow(
      "log_softmax: argument 'dim' must be an integer, got string 'a'",
    );
  });

  it('Conv2d.forward of a plain array', () => {
    expect(() => new Conv2d(1, 1, 1).forward(any([[1]]))).toThrow(
      "Conv2d.forward: argument 'input' must be a Tensor, got an array of length 1",
    );
  });

  it("LazyConv2d's loadStateDict refuses a bias of the wrong length", () => {
    const lazy = new LazyConv2d(2, 3);
    const weight = rand([2, 1, 3, 3]);
    expect(() => lazy.loadStateDict({ weight, bias: rand([5]) })).toThrow(
      /size mismatch for bias: copying a param with shape \[5\] from checkpoint, the shape in current model is \[2\]/,
    );
    const ok = new LazyConv2d(2, 3);
    ok.loadStateDict({ weight, bias: tensor([1, 2]) });
    expect(ok.forward(ones([1, 1, 3, 3])).shape).toEqual([1, 2, 1, 1]);
  });

  it('save() into a missing folder names the path given, not the temporary file', () => {
    const path = join(directory, 'missing', 'model.safetensors');
    expect(() => save({ w: ones([1]) }, path)).toThrow(
      `save: cannot write ${path}: the folder ${join(directory, 'missing')} does not exist (ENOENT)`,
    );
    expect(() => save({ w: ones([1]) }, any(undefined))).toThrow(
      "save: argument 'path' must be a non-empty string, got undefined",
    );
    expect(readdirSync(directory)).toEqual([]);
  });
});

/** Found by the fuzz suite (fuzz.test.ts) under issue 17's strict rules: each names its function. */
describe('@fovea/nn: faults the fuzz suite found', () => {
  it('serialize and deserialize of what is no state dict or no file', () => {
    expect(() => serialize(any(0), any(null))).toThrow(/^serialize: /);
    expect(() => deserialize(any(undefined))).toThrow(
      'deserialize: safetensors: expected the file contents as a Uint8Array, got undefined',
    );
    expect(() => deserialize(new Uint8Array(3))).toThrow(/^deserialize: safetensors: file has 3 bytes/);
    expect(() => new SafetensorsError(any(Object.create(null)))).toThrow(
      "SafetensorsError: argument 'message' must be a string, got an object",
    );
  });

  it('layers check their arguments before allocating, under their own name', () => {
    expect(() => new MaxUnpool2d(any(undefined))).toThrow(
      /^MaxUnpool2d: kernel_size must be a number or \[h, w\]/,
    );
    expect(() => new Conv2d(any(Object.create(null)), 1, 1)).toThrow(
      'Conv2d: in_channels must be a non-negative integer, got an object',
    );
    expect(() => new Conv2D(1e10)).toThrow(/^Conv2D: a tensor of 100000000000000000000 elements/);
    expect(() => new LazyLinear(1e10)).toThrow(/^LazyLinear: a tensor of 10000000000 elements/);
    expect(() => new LazyLinear(2 ** 55)).toThrow(/^LazyLinear: out_features must be a non-negative integer/);
    expect(() => new BatchNorm2d(1e10)).toThrow(/^BatchNorm2d: a tensor of 10000000000 elements/);
    expect(() => new BatchNorm2d(2, any({ eps: 'x' }))).toThrow(
      "BatchNorm2d: argument 'eps' must be a number",
    );
    expect(() => new Dropout(any(rand([2])))).toThrow(
      /^Dropout: dropout probability has to be between 0 and 1/,
    );
    expect(() => new Parameter(tensor([true]))).toThrow(
      'Parameter: only tensors of floating point dtype can require gradients, got bool',
    );
    expect(() => new CrossEntropyLoss(any({ weight: new Uint8Array(2) }))).toThrow(
      "CrossEntropyLoss: argument 'weight' must be a Tensor",
    );
    expect(() => new Sequential(any(new Uint8Array(2)))).toThrow(
      "Sequential: argument 'modules.0' must be a Module, got 0",
    );
    expect(() => new ModuleList(any([1]))).toThrow(
      "ModuleList: argument 'modules[0]' must be a Module, got 1",
    );
    expect(() => new LazyConv2d(2, 3).forward(any(undefined))).toThrow(
      "LazyConv2d.forward: argument 'input' must be a Tensor",
    );
  });

  it('init functions check their tensor and options', () => {
    for (const name of [
      'uniform_',
      'normal_',
      'ones_',
      'zeros_',
      'kaimingUniform_',
      'xavierNormal_',
    ] as const) {
      expect(() => (init[name] as (t: unknown) => unknown)(undefined)).toThrow(
        `${name}: argument 'tensor' must be a Tensor, got undefined`,
      );
    }
    expect(() => init.constant_(rand([2]), any('x'))).toThrow("constant_: argument 'value' must be a number");
    expect(() => init.kaimingNormal_(rand([2, 2]), any({ generator: 1 }))).toThrow(
      "kaimingNormal_: argument 'generator' must be a Generator, got 1",
    );
    expect(() => init.kaimingUniform_(rand([2, 2]), any({ mode: 'fan_avg' }))).toThrow(
      'kaimingUniform_: Mode fan_avg not supported, please use one of fan_in, fan_out',
    );
    expect(() => init.calculateGain(any('swish'))).toThrow('calculateGain: Unsupported nonlinearity swish');
    expect(() => init.calculateFanInAndFanOut(any(undefined))).toThrow(
      /^calculateFanInAndFanOut: argument 'tensor'/,
    );
  });

  it('functional ops check dtypes and shapes before an inner op does', () => {
    expect(() => F.dropout(tensor([true, false]))).toThrow(
      'dropout: expected a floating point tensor, got bool [2]',
    );
    expect(() => F.linear(rand([1, 1, 6, 6]), rand([1, 1, 6, 6]))).toThrow(
      /^linear: input \[1, 1, 6, 6\] and weight/,
    );
    expect(() => F.crossEntropy(tensor([true, false]), rand([2]))).toThrow(
      'cross_entropy: expected floating point logits, got bool [2]',
    );
    // PyTorch's result: softmax over nothing is empty.
    expect(F.softmax(rand([0, 2]), 0).shape).toEqual([0, 2]);
    expect(F.logSoftmax(rand([0, 2]), 0).shape).toEqual([0, 2]);
  });
});

describe("@fovea/nn: Module's methods under hostile arguments (found by the fuzz suite)", () => {
  it('each names the module and the method', () => {
    const conv = new Conv2d(1, 1, 1);
    expect(() => conv.apply(any(1))).toThrow("Conv2d.apply: argument 'fn' must be a function, got 1");
    expect(() => conv.loadStateDict(any(undefined))).toThrow(/^Conv2d\.loadStateDict: expected a state dict/);
    expect(() => conv.loadStateDict(new Map([[any({}), rand([1])]]))).toThrow(
      'Conv2d.loadStateDict: state dict keys must be strings, got an object',
    );
    expect(() => conv.namedModules(any(Symbol('s')))).toThrow(/^Conv2d\.namedModules: argument 'prefix'/);
    expect(() => conv.stateDict(any({ keepVars: 1 }))).toThrow(
      "Conv2d.stateDict: argument 'keepVars' must be a boolean",
    );
    expect(() => conv.registerForwardHook(() => undefined, any({ prepend: 'x' }))).toThrow(
      "Conv2d.registerForwardHook: argument 'prepend' must be a boolean",
    );
  });

  it('a registration cannot shadow a method', () => {
    const conv = new Conv2d(1, 1, 1);
    expect(() => conv.registerBuffer('forward', rand([1]))).toThrow(
      'Conv2d.registerBuffer: attribute "forward" already exists',
    );
    expect(() => conv.registerModule('apply', new Conv2d(1, 1, 1))).toThrow(
      'Conv2d.registerModule: attribute "apply" already exists',
    );
    expect(conv.forward(rand([1, 1, 2, 2])).shape).toEqual([1, 1, 2, 2]);
  });

  it('a lazy layer whose checkpoint does not fit stays lazy instead of half-loaded', () => {
    const lazy = new LazyLinear(2);
    expect(() => lazy.loadStateDict({ weight: rand([3]), bias: rand([2]) })).toThrow(
      'size mismatch for weight: copying a param with shape [3] from checkpoint, the shape in current model is [2, in_features].',
    );
    expect(lazy.forward(rand([1, 4])).shape).toEqual([1, 2]);
    const conv = new LazyConv2d(2, 3);
    expect(() => conv.loadStateDict(new Linear(3, 2).stateDict())).toThrow(/size mismatch for weight/);
    expect(conv.forward(rand([1, 1, 4, 4])).shape).toEqual([1, 2, 2, 2]);
  });
});

/** Found by the fuzz suite with seeds 5 (`FUZZ_SEED=5 FUZZ_SCALE=10`) and 15. */
describe('@fovea/nn: faults found by more seeds', () => {
  it("a lazy layer's first forward names forward when its parameters would be too large (seed 15)", () => {
    expect(() => new LazyConv2d(1, 1e10).forward(rand([1, 1, 6, 6]))).toThrow(
      /^LazyConv2d\.forward: a tensor of 100000000000000000000 elements \(shape \[1, 1, 10000000000, 10000000000\]\) is too large/,
    );
    expect(() => new LazyLinear(1e5).forward(rand([1, 1e5]))).toThrow(/^LazyLinear\.forward: a tensor of /);
  });

  it('Softmax and LogSoftmax of a 0-d tensor over dim 0 are 1 and 0, as in PyTorch, not NaN', () => {
    expect(new Softmax(0).forward(tensor(0.591)).item()).toBe(1);
    expect(new LogSoftmax(-1).forward(tensor(0.591)).item()).toBe(0);
  });
});

/** Found by fuzz-files.test.ts, which fuzzes save and load in a temporary folder. */
describe('@fovea/nn: save and load faults the file fuzz found', () => {
  it('a save interrupted mid-write (a full disk) leaves the old file whole and no temporary file', () => {
    const path = join(directory, 'interrupted.safetensors');
    save({ w: ones([4]) }, path);
    const before = readFileSync(path);
    disk.failing = true;
    try {
      expect(() => save({ w: rand([1000]) }, path)).toThrow(`save: cannot write ${path}: ENOSPC`);
    } finally {
      disk.failing = false;
    }
    expect(readFileSync(path)).toEqual(before);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    rmSync(path);
  });

  it('save over a folder, or with metadata that is not text, names save and leaves the file whole', () => {
    expect(() => save({ w: ones([1]) }, directory)).toThrow(
      `save: cannot write ${directory}: it is a folder (EISDIR)`,
    );
    const path = join(directory, 'kept.safetensors');
    writeFileSync(path, serialize({ w: ones([2]) }));
    const before = readFileSync(path);
    expect(() => save({ w: ones([1]) }, path, any({ metadata: { stride: {} } }))).toThrow(
      'save: metadata value for key "stride" must be a string, got an object',
    );
    expect(() => serialize({ w: ones([1]) }, any({ metadata: { stride: {} } }))).toThrow(
      /^serialize: metadata value/,
    );
    expect(readFileSync(path)).toEqual(before);
    rmSync(path);
  });

  it('load of a FIFO is refused at once, not a wait for a writer that never comes', () => {
    const fifo = join(directory, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => load(fifo)).toThrow(`load: ${fifo} is not a regular file`);
    rmSync(fifo);
  });
});

/** Found by fuzz-device.test.ts, which fuzzes Module.to. */
describe('@fovea/nn: Module.to faults the device fuzz found', () => {
  it('names the class and describes any device (a bigint was a TypeError from JSON)', () => {
    expect(() => new Linear(3, 2).to(any(10n))).toThrow(
      "Linear.to: expected 'cpu' or 'webgpu', got bigint 10",
    );
    expect(() => new Linear(3, 2).to(any('cuda'))).toThrow(
      "Linear.to: expected 'cpu' or 'webgpu', got \"cuda\"",
    );
  });

  it("a move that fails leaves every tensor where it was, and says why under the module's name", async (context) => {
    const layer = new Linear(3, 2);
    layer.registerParameter('scale', new Parameter(rand([2], { dtype: 'float64' })));
    expect(() => layer.to('webgpu')).toThrow(
      "Linear.to: the webgpu backend is not open; call `await setBackend('webgpu')` first",
    );
    // With the backend open, weight and bias copy and then the float64 tensor cannot: nothing
    // may be left moved (they were, before).
    findSwiftShader();
    try {
      await setBackend('webgpu');
    } catch (error) {
      if (process.env.CI) throw error;
      context.skip(`no WebGPU adapter: ${(error as Error).message}`);
    }
    try {
      expect(() => layer.to('webgpu')).toThrow(
        /^Linear\.to: only float32, int32 and bool tensors can live on webgpu, got float64/,
      );
      expect(layer.parameters().map((p) => p.device)).toEqual(['cpu', 'cpu', 'cpu']);
    } finally {
      setBackend('wasm');
    }
  });
});
