import { describe, expect, it } from 'vitest';
import {
  analyzeGraph,
  analyzeLayers,
  formatTable,
  type LayerInfo,
  type LayerSpec,
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
