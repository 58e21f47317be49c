import {
  BatchNorm2d,
  Conv2D,
  Conv2d,
  Flatten,
  Identity,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
} from '@fovea/nn';
import { cat, pad, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, receptiveField } from '../src/index.js';

describe('receptiveField: the chapter and single ops', () => {
  it('two stacked 2x2 convolutions: the unit of the second layer sees all nine input elements', () => {
    const rf = receptiveField(new Sequential(new Conv2d(1, 1, 2), new Conv2d(1, 1, 2)), [1, 1, 3, 3]);
    expect(rf.outputSize).toEqual([1, 1]);
    expect(rf.region([0, 0])).toEqual({ rows: [0, 2], cols: [0, 2] });
    expect(rf.node('0')).toMatchObject({ type: 'Conv2d', size: [2, 2], outputSize: [2, 2] });
    expect(rf.node('1')).toMatchObject({ type: 'Conv2d', size: [3, 3], outputSize: [1, 1] });
  });

  it("the same with the chapter's own Conv2D (corr2d + bias) on a 2-D input", () => {
    const rf = receptiveField(new Sequential(new Conv2D([2, 2]), new Conv2D([2, 2])), [3, 3]);
    expect(rf.region([0, 0])).toEqual({ rows: [0, 2], cols: [0, 2] });
    // corr2d, then + bias: one row per module, named after it.
    expect(rf.layers.map((l) => `${l.name} (${l.type})`)).toEqual(['0 (Conv2D)', '1 (Conv2D)']);
  });

  it('the identity: every pixel sees itself', () => {
    const rf = receptiveField(new Identity(), [1, 1, 4, 4]);
    expect(rf.layers).toEqual([]);
    expect([rf.size, rf.stride, rf.padding, rf.outputSize]).toEqual([
      [1, 1],
      [1, 1],
      [0, 0],
      [4, 4],
    ]);
  });

  it('a single layer as the model; an unbatched input', () => {
    const rf = receptiveField(new Conv2d(3, 4, 3, { stride: 2, dilation: 2 }), [3, 17, 17]);
    expect(rf.layers.map((l) => `${l.name} (${l.type})`)).toEqual(['conv2d (Conv2d)']);
    expect(rf.outputSize).toEqual([7, 7]);
    expect(rf.size).toEqual([5, 5]);
  });

  it('dilation, ceil mode, asymmetric padding and padding modes match analyzeGraph', () => {
    class Net extends Module {
      a = new Conv2d(1, 2, 3, { dilation: 2, padding: 'same' });
      b = new Conv2d(2, 2, [2, 4], { padding: 'same' }); // asymmetric: top 0, bottom 1, left 1, right 2
      c = new MaxPool2d(3, { stride: 2, ceilMode: true });
      d = new Conv2d(2, 2, 3, { padding: 1, paddingMode: 'reflect' });
      override forward(x: Tensor): Tensor {
        const y = this.c.forward(this.b.forward(this.a.forward(x)));
        return this.d.forward(pad(y, [0, 1, 2, -1])); // F.pad: left 0, right 1, top 2, bottom -1 (a crop)
      }
    }
    const rf = receptiveField(new Net(), [1, 1, 20, 23]);
    const hand = analyzeGraph(
      {
        nodes: [
          { id: 'x', name: 'x', type: 'input', inputs: [], op: { kind: 'input' } },
          {
            id: 'a',
            name: 'a',
            type: 'c',
            inputs: ['x'],
            op: { kind: 'conv', kernel: 3, dilation: 2, padding: 2 },
          },
          {
            id: 'b',
            name: 'b',
            type: 'c',
            inputs: ['a'],
            op: { kind: 'conv', kernel: [2, 4], padding: { top: 0, bottom: 1, left: 1, right: 2 } },
          },
          {
            id: 'c',
            name: 'c',
            type: 'p',
            inputs: ['b'],
            op: { kind: 'pool', kernel: 3, stride: 2, ceilMode: true },
          },
          {
            id: 'p',
            name: 'p',
            type: 'pad',
            inputs: ['c'],
            op: { kind: 'pad', padding: { top: 2, bottom: -1, left: 0, right: 1 } },
          },
          { id: 'r', name: 'r', type: 'pad', inputs: ['p'], op: { kind: 'pad', padding: 1 } },
          { id: 'd', name: 'd', type: 'c', inputs: ['r'], op: { kind: 'conv', kernel: 3 } },
        ],
      },
      [20, 23],
    );
    expect(rf.layers.map((l) => `${l.name} (${l.type})`)).toEqual([
      'a (Conv2d)',
      'b (Conv2d)',
      'c (MaxPool2d)',
      'pad (pad)',
      'd.pad (pad)',
      'd (Conv2d)',
    ]);
    expect(rf.outputSize).toEqual(hand.outputSize);
    expect([rf.size, rf.stride, rf.padding]).toEqual([hand.size, hand.stride, hand.padding]);
    for (const unit of [
      [0, 0],
      [3, 5],
      [rf.outputSize[0] - 1, rf.outputSize[1] - 1],
    ] as [number, number][]) {
      expect(rf.region(unit)).toEqual(hand.region(unit));
    }
  });

  it('unites the branches of a concatenation along channels (inception-like)', () => {
    class Inception extends Module {
      b1 = new Conv2d(3, 2, 1);
      b3 = new Sequential(new Conv2d(3, 2, 1), new ReLU(), new Conv2d(2, 2, 3, { padding: 1 }));
      b5 = new Conv2d(3, 2, 5, { padding: 2 });
      pool = new MaxPool2d(3, { stride: 1, padding: 1 });
      override forward(x: Tensor): Tensor {
        return cat([this.b1.forward(x), this.b3.forward(x), this.b5.forward(x), this.pool.forward(x)], 1);
      }
    }
    const rf = receptiveField(new Inception(), [1, 3, 16, 16]);
    expect(rf.output).toBe('cat');
    expect(rf.node('cat')).toMatchObject({
      kind: 'concat',
      inputs: ['b1', 'b3.2', 'b5', 'pool'],
      size: [5, 5],
    });
    expect(rf.region([0, 0])).toEqual({ rows: [-2, 2], cols: [-2, 2] });
    expect(rf.aligned).toBe(true);
  });

  it('adds branches that meet, and reports paths that are not aligned', () => {
    class Shifted extends Module {
      a = new Conv2d(1, 1, 3); // centre of unit 0 at 1
      b = new Conv2d(1, 1, 3, { padding: 1 }); // at 0, but cropped to the same size
      override forward(x: Tensor): Tensor {
        return this.a.forward(x).add(pad(this.b.forward(x), [-1, -1, -1, -1]));
      }
    }
    const rf = receptiveField(new Shifted(), [1, 1, 9, 9]);
    expect(rf.aligned).toBe(true); // the crop re-aligns them
    class Misaligned extends Module {
      a = new Conv2d(1, 1, 3);
      b = new Conv2d(1, 1, 3, { padding: 1 });
      override forward(x: Tensor): Tensor {
        return this.a.forward(x).add(pad(this.b.forward(x), [0, -2, 0, -2]));
      }
    }
    const off = receptiveField(new Misaligned(), [1, 1, 9, 9]);
    expect(off.aligned).toBe(false);
    expect(off.warnings.map((w) => w.kind)).toEqual(['shift', 'shift']);
    expect(off.region([0, 0])).toEqual({ rows: [-1, 2], cols: [-1, 2] });
  });

  it('squeeze-and-excitation: a global branch is noted, the field is the spatial path', () => {
    class SE extends Module {
      conv = new Conv2d(4, 4, 3, { padding: 1 });
      fc = new Sequential(new Flatten(), new Linear(4, 4), new Sigmoid());
      override forward(x: Tensor): Tensor {
        const y = this.conv.forward(x);
        const s = (this.fc.forward(y.mean([2, 3], true)) as Tensor).reshape([1, 4, 1, 1]);
        return y.mul(s);
      }
    }
    const rf = receptiveField(new SE(), [1, 4, 12, 12]);
    expect(rf.size).toEqual([3, 3]);
    expect(rf.output).toBe('conv');
    expect(rf.notes).toHaveLength(1);
    expect(rf.notes[0]).toMatchObject({ kind: 'global-context', op: 'MulBackward0', module: '' });
  });

  it('batch norm and activations are kernel 1; channel reductions and reshapes that keep the map too', () => {
    class Net extends Module {
      conv = new Conv2d(3, 4, 3);
      bn = new BatchNorm2d(4);
      override forward(x: Tensor): Tensor {
        const y = this.bn.forward(this.conv.forward(x)).relu();
        return y.mean(1, true).reshape([1, 1, 1, 8, 8]).squeeze(0).sigmoid();
      }
    }
    const rf = receptiveField(new Net(), [1, 3, 10, 10]);
    expect(rf.layers.map((l) => l.name)).toEqual(['conv', 'bn']);
    expect(rf.output).toBe('bn');
    expect(rf.modelOutputShape).toEqual([1, 1, 8, 8]);
    expect(rf.notes).toEqual([]);
  });
});
