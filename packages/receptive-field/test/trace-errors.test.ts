import { Function as AutogradFunction, type FunctionContext } from '@fovea/autograd';
import { AdaptiveAvgPool2d, Conv2d, LazyConv2d, MaxPool2d, Module, ReLU, Sequential } from '@fovea/nn';
import { cat, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { ModuleCallError, receptiveField } from '../src/index.js';
import { AlexNet } from './helpers/torchvision.js';

describe('receptiveField: errors', () => {
  class Shrink extends AutogradFunction {
    static override forward(_ctx: FunctionContext, x: Tensor): Tensor {
      return x.slice(':', ':', [1, -1], [1, -1]).contiguous();
    }
    static override backward(): unknown {
      throw new Error('not needed');
    }
  }
  class Custom extends Module {
    constructor(readonly recordShapes: boolean) {
      super();
    }
    override forward(x: Tensor): Tensor {
      const y = Shrink.apply(x) as Tensor;
      // As an op that records its shapes, but that receptiveField does not know, would.
      if (this.recordShapes && y.gradFn)
        y.gradFn.attributes = { inputShapes: [x.shape], outputShape: y.shape };
      return y;
    }
  }

  it('an unknown op that changes the map size names the op and the module', () => {
    const model = new Sequential(new Conv2d(1, 1, 3), new Custom(true), new Conv2d(1, 1, 3));
    expect(() => receptiveField(model, [1, 1, 16, 16])).toThrow(
      "receptiveField: ShrinkBackward in '1' (Custom) is an op receptiveField does not know, and it changes the map [14, 14] to [12, 12] ([1, 1, 14, 14] -> [1, 1, 12, 12])",
    );
  });

  it('an op that records no shapes, or one it cannot follow, is an error naming it and the module', () => {
    const model = new Sequential(new Conv2d(1, 1, 3), new Sequential(new ReLU(), new Custom(false)));
    expect(() => receptiveField(model, [1, 1, 16, 16])).toThrow(
      /ShrinkBackward in '1\.1' \(Custom\) records no shapes/,
    );
    class Flip extends Module {
      override forward(x: Tensor): Tensor {
        return x.flip([3]);
      }
    }
    expect(() => receptiveField(new Sequential(new Conv2d(1, 1, 3), new Flip()), [1, 1, 8, 8])).toThrow(
      /FlipBackward0 in '1' \(Flip\) may mirror the spatial axes/,
    );
    class Crop extends Module {
      override forward(x: Tensor): Tensor {
        return x.slice(':', ':', [1, null], ':');
      }
    }
    expect(() => receptiveField(new Crop(), [1, 1, 8, 8])).toThrow(
      /SliceBackward0 in the model \(Crop\) crops the map/,
    );
    class Stack extends Module {
      override forward(x: Tensor): Tensor {
        return cat([x, x], 2);
      }
    }
    expect(() => receptiveField(new Stack(), [1, 1, 8, 8])).toThrow(
      /CatBackward0 .* concatenates along a spatial axis/,
    );
  });

  it('an unknown op that keeps the map is taken as kernel 1, with a note', () => {
    class Keep extends AutogradFunction {
      static override forward(_ctx: FunctionContext, x: Tensor): Tensor {
        return x.mul(2);
      }
    }
    class Scale extends Module {
      override forward(x: Tensor): Tensor {
        const y = Keep.apply(x) as Tensor;
        if (y.gradFn) y.gradFn.attributes = { inputShapes: [x.shape], outputShape: y.shape };
        return y;
      }
    }
    const rf = receptiveField(new Sequential(new Conv2d(1, 1, 3), new Scale()), [1, 1, 8, 8]);
    expect(rf.size).toEqual([3, 3]);
    expect(rf.notes[0]).toMatchObject({ kind: 'assumed-pointwise', op: 'KeepBackward', module: '1' });
  });

  it('a map that vanishes says at which layer, and restores the model', () => {
    const model = new AlexNet();
    let error: unknown;
    try {
      receptiveField(model, [1, 3, 32, 32]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModuleCallError);
    expect((error as ModuleCallError).module).toBe('features.12');
    expect((error as Error).message).toMatch(
      /^receptiveField: 'features\.12' \(MaxPool2d\) failed on input \[1, 256, 1, 1\]: max_pool2d: .*too small/,
    );
    expect(Object.hasOwn(model.features[12], 'forward')).toBe(false);
    expect(model.training).toBe(true);
    const small = new Sequential(
      new Conv2d(1, 1, 3),
      new MaxPool2d(2),
      new Conv2d(1, 1, 3),
      new MaxPool2d(2),
      new Conv2d(1, 1, 3),
    );
    expect(() => receptiveField(small, [1, 1, 10, 10])).toThrow(
      /'4' \(Conv2d\) failed on input \[1, 1, 1, 1\]/,
    );
  });

  it('outputs that do not depend on the input, non-tensor outputs, bad shapes, several maps', () => {
    class Constant extends Module {
      override forward(_x: Tensor): Tensor {
        return new Conv2d(1, 1, 1).weight.mul(1);
      }
    }
    expect(() => receptiveField(new Constant(), [1, 1, 4, 4])).toThrow(/does not depend on its input/);
    class Pair extends Module {
      override forward(x: Tensor): Tensor[] {
        return [x, x];
      }
    }
    expect(() => receptiveField(new Pair(), [1, 1, 4, 4])).toThrow(
      /expected the model to return a Tensor, got an array/,
    );
    expect(() => receptiveField(new Conv2d(1, 1, 1), [4])).toThrow(/expected an input shape/);
    expect(() => receptiveField(new Sequential(new LazyConv2d(4, 3)), [1, 2, 8, 8])).toThrow(
      /lazy parameters that are not initialised yet/,
    );
    class TwoHeads extends Module {
      a = new Conv2d(1, 1, 3);
      b = new Conv2d(1, 1, 5);
      pool = new AdaptiveAvgPool2d(1);
      override forward(x: Tensor): Tensor {
        const a = (this.pool.forward(this.a.forward(x)) as Tensor).flatten(1);
        const b = (this.pool.forward(this.b.forward(x)) as Tensor).flatten(1);
        return cat([a, b], 1);
      }
    }
    expect(() => receptiveField(new TwoHeads(), [1, 1, 9, 9])).toThrow(
      /comes from several maps \('a', 'b'\)/,
    );
    expect(receptiveField(new TwoHeads(), [1, 1, 9, 9], { layer: 'b' }).size).toEqual([5, 5]);
  });
});
