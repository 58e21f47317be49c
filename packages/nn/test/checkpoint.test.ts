import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, randint, randn, type Tensor, tensor } from '@fovea/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  deserialize,
  Flatten,
  Linear,
  load,
  MaxPool2d,
  Module,
  ReLU,
  SafetensorsError,
  Sequential,
  type StateDict,
  save,
  serialize,
} from '../src/index.js';

/** A small CNN: grouped and reflect-padded convolutions, batch norm, max and average pooling, a classifier. */
class SmallCNN extends Module {
  features = new Sequential(
    new Conv2d(3, 8, 3, { padding: 1 }),
    new BatchNorm2d(8),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(8, 8, 3, { padding: 1, groups: 4, paddingMode: 'reflect' }),
    new BatchNorm2d(8),
    new ReLU(),
    new AvgPool2d(2),
  );
  classifier = new Sequential(new Flatten(), new Linear(8 * 2 * 2, 3));

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

/** The keys and shapes `SmallCNN().state_dict()` has in PyTorch, in PyTorch's order. */
const PYTORCH_KEYS: [string, number[]][] = [
  ['features.0.weight', [8, 3, 3, 3]],
  ['features.0.bias', [8]],
  ['features.1.weight', [8]],
  ['features.1.bias', [8]],
  ['features.1.running_mean', [8]],
  ['features.1.running_var', [8]],
  ['features.1.num_batches_tracked', []],
  ['features.4.weight', [8, 2, 3, 3]],
  ['features.4.bias', [8]],
  ['features.5.weight', [8]],
  ['features.5.bias', [8]],
  ['features.5.running_mean', [8]],
  ['features.5.running_var', [8]],
  ['features.5.num_batches_tracked', []],
  ['classifier.1.weight', [3, 32]],
  ['classifier.1.bias', [3]],
];

const dir = mkdtempSync(join(tmpdir(), 'fovea-nn-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(model: SmallCNN, steps: number): number[] {
  const loss = new CrossEntropyLoss();
  const x = randn([4, 3, 8, 8]);
  const y = randint(0, 3, [4]);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const l = loss.forward(model.forward(x), y);
    model.zeroGrad();
    l.backward();
    for (const p of model.parameters()) p.data.sub_(p.grad!.mul(0.1));
    losses.push(l.item() as number);
  }
  return losses;
}

/** The JSON header of a safetensors file. */
function header(bytes: Uint8Array): Record<string, { dtype: string; shape: number[] }> {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
}

describe('checkpoints of a small CNN', () => {
  it('has the state-dict keys PyTorch gives the same architecture', () => {
    const sd = new SmallCNN().stateDict();
    expect(Object.entries(sd).map(([k, t]) => [k, [...t.shape]])).toEqual(PYTORCH_KEYS);
  });

  it('trains, saves, and loads into a fresh instance with identical outputs in eval mode', () => {
    manualSeed(1);
    const model = new SmallCNN();
    const losses = train(model, 5);
    expect(losses[4]).toBeLessThan(losses[0]);
    const path = join(dir, 'cnn.safetensors');
    save(model.stateDict(), path);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    manualSeed(2);
    const fresh = new SmallCNN();
    const x = randn([2, 3, 8, 8]);
    model.eval();
    fresh.eval();
    expect(fresh.forward(x).toArray()).not.toEqual(model.forward(x).toArray());
    const loaded = load(path);
    expect(Object.keys(loaded).sort()).toEqual(PYTORCH_KEYS.map(([k]) => k).sort());
    expect(fresh.loadStateDict(loaded)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(fresh.forward(x).toArray()).toEqual(model.forward(x).toArray());
    expect(fresh.features.at(1).stateDict().num_batches_tracked.item()).toBe(5);
  });

  it('writes num_batches_tracked as I64 and floats as F32, as PyTorch does', () => {
    const path = join(dir, 'dtypes.safetensors');
    save(new SmallCNN().stateDict(), path, { metadata: { format: 'pt' } });
    const h = header(readFileSync(path));
    expect(h['features.1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
    expect(h['features.0.weight']).toMatchObject({ dtype: 'F32', shape: [8, 3, 3, 3] });
    expect(h.__metadata__).toEqual({ format: 'pt' });
    const asI32 = header(serialize(new SmallCNN().stateDict(), { integerDtype: 'I32' }));
    expect(asI32['features.1.num_batches_tracked'].dtype).toBe('I32');
  });

  it('loads a state dict written with PyTorch key names into the same architecture', () => {
    const sd: StateDict = {};
    for (const [i, [key, shape]] of PYTORCH_KEYS.entries()) {
      sd[key] = key.endsWith('num_batches_tracked')
        ? tensor(7, { dtype: 'int32' })
        : key.endsWith('running_var')
          ? randn(shape).abs().add(0.5)
          : randn(shape).mul(0.1 * (i + 1));
    }
    const model = new SmallCNN();
    model.loadStateDict(sd);
    const x = randn([1, 3, 8, 8]);
    model.eval();
    const out = model.forward(x);
    expect([...out.shape]).toEqual([1, 3]);
    expect(model.features.at(4).stateDict().weight.toArray()).toEqual(sd['features.4.weight'].toArray());
    // Through bytes and back, as a browser would: the same model again.
    const again = new SmallCNN().eval();
    again.loadStateDict(deserialize(serialize(sd)));
    expect(again.forward(x).toArray()).toEqual(out.toArray());
  });

  it('refuses a state dict with wrong keys or shapes, listing each problem', () => {
    const sd = new SmallCNN().stateDict();
    delete sd['features.5.running_var'];
    sd['features.9.weight'] = randn([1]);
    sd['classifier.1.weight'] = randn([3, 16]);
    expect(() => new SmallCNN().loadStateDict(sd)).toThrow(
      [
        'Error(s) in loading state_dict for SmallCNN:',
        '\tMissing key(s) in state_dict: "features.5.running_var". ',
        '\tUnexpected key(s) in state_dict: "features.9.weight". ',
        '\tsize mismatch for classifier.1.weight: copying a param with shape [3, 16] from checkpoint, the shape in current model is [3, 32].',
      ].join('\n'),
    );
  });
});

describe('serialize and deserialize', () => {
  it('round-trips float32, float64, int32 and bool tensors, 0-d and empty ones included', () => {
    const sd: StateDict = {
      f32: randn([2, 3]),
      f64: randn([4], { dtype: 'float64' }),
      i32: tensor(
        [
          [-5, 2 ** 31 - 1],
          [-(2 ** 31), 0],
        ],
        { dtype: 'int32' },
      ),
      flags: tensor([true, false, true]),
      scalar: tensor(3.5),
      empty: randn([4, 0, 3]),
    };
    const back = deserialize(serialize(sd));
    for (const [key, t] of Object.entries(sd)) {
      expect(back[key].dtype, key).toBe(t.dtype);
      expect([...back[key].shape], key).toEqual([...t.shape]);
      expect(back[key].toArray(), key).toEqual(t.toArray());
    }
    expect(deserialize(serialize(new Map(Object.entries(sd)))).i32.toArray()).toEqual(sd.i32.toArray());
  });

  it('reads I64 as int32 when every value fits, and says so clearly when one does not', () => {
    const file = (values: bigint[]) => {
      const json = `{"n":{"dtype":"I64","shape":[${values.length}],"data_offsets":[0,${8 * values.length}]}}`;
      const text = new TextEncoder().encode(json.padEnd(Math.ceil(json.length / 8) * 8, ' '));
      const bytes = new Uint8Array(8 + text.length + 8 * values.length);
      const view = new DataView(bytes.buffer);
      view.setBigUint64(0, BigInt(text.length), true);
      bytes.set(text, 8);
      values.forEach((v, i) => view.setBigInt64(8 + text.length + 8 * i, v, true));
      return bytes;
    };
    const ok = deserialize(file([0n, -(2n ** 31n), 2n ** 31n - 1n]));
    expect(ok.n.dtype).toBe('int32');
    expect(ok.n.toArray()).toEqual([0, -(2 ** 31), 2 ** 31 - 1]);
    expect(() => deserialize(file([1n, 2n ** 31n]))).toThrow(SafetensorsError);
    expect(() => deserialize(file([1n, 2n ** 31n]))).toThrow(
      /tensor "n" holds the int64 value 2147483648 \(element 1\), outside int32's range/,
    );
  });

  it('rejects entries that are not tensors', () => {
    expect(() => serialize({ w: [1, 2] as unknown as Tensor })).toThrow(
      'serialize: state dict entry "w" is not a Tensor (got object)',
    );
  });

  it('turns a malformed file into a SafetensorsError, never another error (fuzzed)', () => {
    const valid = serialize(new SmallCNN().stateDict());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.option(fc.nat(valid.length), { nil: null }),
        (flips, cut) => {
          const bytes = valid.slice(0, cut ?? valid.length);
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          try {
            const sd = deserialize(bytes);
            for (const t of Object.values(sd)) expect(t.numel).toBeGreaterThanOrEqual(0);
          } catch (error) {
            expect(error).toBeInstanceOf(SafetensorsError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a file from disk only if it is a well-formed checkpoint', () => {
    const path = join(dir, 'truncated.safetensors');
    writeFileSync(path, serialize(new SmallCNN().stateDict()).subarray(0, 100));
    expect(() => load(path)).toThrow(SafetensorsError);
  });
});
