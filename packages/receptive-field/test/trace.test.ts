import { Function as AutogradFunction, type FunctionContext } from '@fovea/autograd';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2D,
  Conv2d,
  Flatten,
  Identity,
  LazyConv2d,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
} from '@fovea/nn';
import { cat, pad, type Tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  analyzeGraph,
  analyzeLayers,
  formatTable,
  type LayerInfo,
  type LayerSpec,
  ModuleCallError,
  receptiveField,
} from '../src/index.js';
import { loadNetworks } from './helpers/golden.js';
import { resnet18Graph } from './helpers/resnet.js';
import { AlexNet, alexnetFeatures, resnet18, resnet50, vgg16Features } from './helpers/torchvision.js';

const golden = loadNetworks().resnet18;

/** What a layer does and sees, without its name and type. */
const geometry = ({
  name,
  type,
  ...rest
}: LayerInfo & { id?: string; inputs?: string[]; kind?: string; aligned?: boolean }) => {
  const { id, inputs, kind, aligned, ...info } = rest;
  return info;
};

/** The windowed layers of a traced result, as analyzeLayers reports them. */
const windowed = <L extends { type: string }>(layers: readonly L[]) =>
  layers.filter((l) => l.type === 'Conv2d' || l.type === 'MaxPool2d');

describe('receptiveField on torchvision ResNet-18 built with @fovea/nn', () => {
  const model = resnet18();

  it('gives exactly the fields PyTorch measured for the feature extractor (1023 x 1023)', () => {
    const rf = receptiveField(model.features(), [1, 3, golden.input_size, golden.input_size]);
    expect(rf.outputSize).toEqual(golden.output_size);
    expect(rf.region([16, 16])).toEqual({ rows: [295, 729], cols: [295, 729] });
    expect(rf.regionClipped([0, 0])).toEqual({ rows: [0, 217], cols: [0, 217] });
    for (const px of golden.pixels) {
      expect(rf.regionClipped(px.output)).toEqual({ rows: px.rows, cols: px.cols });
    }
    expect([rf.size, rf.stride, rf.padding]).toEqual([
      [435, 435],
      [32, 32],
      [217, 217],
    ]);
    expect(rf.aligned).toBe(true);
    expect(rf.warnings).toEqual([]);
    expect(rf.notes).toEqual([]);
  });

  it('names and describes its layers as rf_networks.json lists them (nn.Sequential(*children()[:-2]))', () => {
    const rf = receptiveField(model.features(), [1, 3, 1023, 1023]);
    const traced = windowed(rf.layers).map((l) => ({
      name: l.name,
      type: l.type,
      kernel: l.kernel,
      stride: l.stride,
      padding: l.padding,
    }));
    const listed = golden.layers.map(({ name, type, kernel, stride, padding }) => ({
      name,
      type,
      kernel,
      stride,
      padding,
    }));
    // The trace lists a block's main path before its downsample branch; the golden file, module order.
    const byName = (a: { name: string }, b: { name: string }) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    expect([...traced].sort(byName)).toEqual([...listed].sort(byName));
  });

  it('agrees node for node with analyzeGraph on the hand-built graph', () => {
    const rf = receptiveField(model.features(), [1, 3, 1023, 1023]);
    const hand = analyzeGraph(resnet18Graph(golden.layers), 1023);
    for (const layer of windowed(rf.layers)) {
      const { size, jump, effectivePadding, start, outputSize } = hand.node(layer.name);
      expect(layer).toMatchObject({ size, jump, effectivePadding, start, outputSize });
    }
    // A block's sum: the union of its main path and its skip path.
    expect(rf.node('5.0.relu_1')).toMatchObject({ size: [67, 67], jump: [8, 8] });
    expect(rf.node('5.0.relu_1').inputs).toEqual(['5.0.add']);
    expect(rf.node('5.0.add')).toMatchObject({
      kind: 'add',
      type: 'add',
      inputs: ['5.0.bn2', '5.0.downsample.1'],
    });
  });

  it('names layers by module path in the full model, and stops before the classifier head', () => {
    const rf = receptiveField(model, [1, 3, 1023, 1023]);
    expect(rf.modelOutputShape).toEqual([1, 1000]);
    expect(rf.output).toBe('layer4.1.relu_1');
    expect(rf.region([16, 16])).toEqual({ rows: [295, 729], cols: [295, 729] });
    expect(rf.layers.slice(0, 5).map((l) => `${l.name} (${l.type})`)).toEqual([
      'conv1 (Conv2d)',
      'bn1 (BatchNorm2d)',
      'relu (ReLU)',
      'maxpool (MaxPool2d)',
      'layer1.0.conv1 (Conv2d)',
    ]);
    expect(rf.notes).toHaveLength(1);
    expect(rf.notes[0]).toMatchObject({
      kind: 'truncated',
      op: 'AdaptiveAvgPool2DBackward0',
      module: 'avgpool',
    });
    expect(rf.notes[0].message).toMatch(
      /pools the map \[32, 32\] to \[1, 1\].*analysed up to 'layer4\.1\.relu_1'/,
    );
    expect(formatTable(rf)).toContain("note: the model's output [1, 1000] has no spatial axes");
  });

  it('analyses the output of a named module with the layer option', () => {
    const rf = receptiveField(model, [1, 3, 1023, 1023], { layer: 'layer2' });
    expect(rf.output).toBe('layer2.1.relu_1');
    expect(rf.outputSize).toEqual([128, 128]);
    expect(rf.size).toEqual([99, 99]);
    const full = receptiveField(model, [1, 3, 1023, 1023]);
    expect(rf.region([5, 7])).toEqual(full.nodeRegion('layer2.1.relu_1', [5, 7]));
    expect(receptiveField(model, [1, 3, 64, 64], { layer: 'layer1.0.relu_1' }).output).toBe(
      'layer1.0.relu_1',
    );
    expect(() => receptiveField(model, [1, 3, 64, 64], { layer: 'layer9' })).toThrow(
      /no module or layer 'layer9'.*conv1, bn1/,
    );
    expect(() => receptiveField(model, [1, 3, 64, 64], { layer: 'fc' })).toThrow(/'fc' has no spatial axes/);
  });

  it('leaves the model as it was: forwards, training flags, batch-norm statistics', () => {
    model.train();
    model.layer1.eval();
    const tracked = model.bn1.num_batches_tracked!.item();
    const mean = model.bn1.running_mean!.dataSync();
    receptiveField(model, [2, 3, 64, 64]);
    expect(Object.hasOwn(model, 'forward')).toBe(false);
    expect(Object.hasOwn(model.layer1[0], 'forward')).toBe(false);
    expect(model.training).toBe(true);
    expect(model.layer1.training).toBe(false);
    expect(model.layer1[0].training).toBe(false);
    expect(model.layer2[1].training).toBe(true);
    expect(model.bn1.num_batches_tracked!.item()).toBe(tracked);
    expect(model.bn1.running_mean!.dataSync()).toEqual(mean);
    expect(model.conv1.weight.grad).toBeNull();
  });
});

describe('receptiveField on torchvision ResNet-50 built with @fovea/nn', () => {
  const model = resnet50();

  it('is analysed at 1023 x 1023 in well under a second', () => {
    const started = performance.now();
    const rf = receptiveField(model, [1, 3, 1023, 1023]);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1000);
    // By hand, per axis, unit 0's box [lo, hi] and jump S (Araujo et al.: a k x k conv with
    // padding p moves lo by -p S and hi by (k - 1 - p) S; a 3x3/pad 1 conv widens the box by S on
    // each side, 1x1 convs and the downsample branch leave it, the sum takes the union):
    //   conv1 7/2 pad 3: [-3, 3], S = 2; maxpool 3/2 pad 1: [-5, 5], S = 4
    //   layer1, 3 blocks at S = 4:                  lo = -5 - 3*4 = -17
    //   layer2: block 0's 3x3/2 at S = 4 then S = 8, 3 blocks at 8:  -17 - 4 - 3*8 = -45
    //   layer3: 3x3/2 at 8, then S = 16, 5 blocks at 16:             -45 - 8 - 5*16 = -133
    //   layer4: 3x3/2 at 16, then S = 32, 2 blocks at 32:            -133 - 16 - 2*32 = -213
    // so r = 427, S = 32, P = 213; maps 1023 -> 512 -> 256 -> 256 -> 128 -> 64 -> 32, and the centre
    // unit 16 sees 16*32 - 213 = 299 to 16*32 + 213 = 725.
    expect(rf.output).toBe('layer4.2.relu_2');
    expect(rf.outputSize).toEqual([32, 32]);
    expect([rf.size, rf.stride, rf.padding]).toEqual([
      [427, 427],
      [32, 32],
      [213, 213],
    ]);
    expect(rf.region([16, 16])).toEqual({ rows: [299, 725], cols: [299, 725] });
    expect(rf.regionClipped([0, 0])).toEqual({ rows: [0, 213], cols: [0, 213] });
    expect(rf.aligned).toBe(true);
    expect(windowed(rf.layers)).toHaveLength(53 + 1);
    expect(rf.node('layer3.0.conv2')).toMatchObject({ stride: [2, 2], jump: [16, 16] });
    expect(rf.node('layer3.0.downsample.0')).toMatchObject({ kernel: [1, 1], stride: [2, 2] });
  });
});

describe('receptiveField on AlexNet and VGG-16 (torchvision layouts)', () => {
  /** The same stacks written by hand. */
  const alexnetStack: LayerSpec[] = [
    { type: 'conv', kernel: 11, stride: 4, padding: 2 },
    { type: 'pool', kernel: 3, stride: 2 },
    { type: 'conv', kernel: 5, padding: 2 },
    { type: 'pool', kernel: 3, stride: 2 },
    { type: 'conv', kernel: 3, padding: 1 },
    { type: 'conv', kernel: 3, padding: 1 },
    { type: 'conv', kernel: 3, padding: 1 },
    { type: 'pool', kernel: 3, stride: 2 },
  ];
  const vggStack: LayerSpec[] = [2, 2, 3, 3, 3].flatMap((convs) => [
    ...Array.from({ length: convs }, (): LayerSpec => ({ type: 'conv', kernel: 3, padding: 1 })),
    { type: 'pool', kernel: 2, stride: 2 },
  ]);

  for (const [name, build, stack, input] of [
    ['AlexNet', alexnetFeatures, alexnetStack, 224],
    ['AlexNet', alexnetFeatures, alexnetStack, 1023],
    ['VGG-16', vgg16Features, vggStack, 224],
    ['VGG-16', vgg16Features, vggStack, 517],
  ] as const) {
    it(`${name} features at ${input} x ${input} agree with analyzeLayers on the stack`, () => {
      const rf = receptiveField(build(), [1, 3, input, input]);
      const hand = analyzeLayers(stack, input);
      const centre: [number, number] = [Math.floor(rf.outputSize[0] / 2), Math.floor(rf.outputSize[1] / 2)];
      expect(rf.outputSize).toEqual(hand.outputSize);
      expect(rf.region(centre)).toEqual(hand.region(centre));
      expect(rf.regionClipped([0, 0])).toEqual(hand.regionClipped([0, 0]));
      expect(windowed(rf.layers).map(geometry)).toEqual(hand.layers.map(geometry));
    });
  }

  it('AlexNet at 224: r = 195, S = 32, named features.0 ... features.12', () => {
    const rf = receptiveField(new AlexNet(), [1, 3, 224, 224]);
    expect(rf.size).toEqual([195, 195]);
    expect(rf.stride).toEqual([32, 32]);
    expect(windowed(rf.layers).map((l) => l.name)).toEqual(
      ['0', '2', '3', '5', '6', '8', '10', '12'].map((i) => `features.${i}`),
    );
    // avgpool keeps 6 x 6 (a 1 x 1 window); the classifier flattens, so the analysis ends at avgpool.
    expect(rf.output).toBe('avgpool');
    expect(rf.node('avgpool')).toMatchObject({ kind: 'pool', kernel: [1, 1], outputSize: [6, 6] });
    expect(rf.notes[0].message).toMatch(
      /ViewBackward0 in 'classifier\.1' \(Flatten\).*\[1, 256, 6, 6\] -> \[1, 9216\]/,
    );
  });
});

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
