import type { RFGraph, RFNode, RFOp } from '../../src/index.js';
import type { NetworkLayer } from './golden.js';

/**
 * torchvision's ResNet-18 feature extractor as a receptive-field graph, built by hand from its
 * layer list: conv1 7x7/2, bn1, relu, maxpool 3/2, then per block (torchvision BasicBlock)
 * conv3x3, bn, relu, conv3x3, bn, plus the identity or the downsample branch (1x1/2 conv, bn),
 * added, relu.
 */
export function resnet18Graph(layers: readonly NetworkLayer[]): RFGraph {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const nodes: RFNode[] = [{ id: 'x', name: 'input', type: 'input', inputs: [], op: { kind: 'input' } }];
  const node = (id: string, type: string, inputs: string[], op: RFOp): string => {
    nodes.push({ id, name: id, type, inputs, op });
    return id;
  };
  const windowed = (name: string, input: string): string => {
    const l = byName.get(name);
    if (l === undefined) throw new Error(`no layer ${name}`);
    const kind = l.type === 'Conv2d' ? 'conv' : 'pool';
    return node(name, l.type, [input], {
      kind,
      kernel: l.kernel,
      stride: l.stride,
      padding: l.padding,
      dilation: l.dilation ?? [1, 1],
      ceilMode: l.ceil_mode ?? false,
    });
  };
  const elementwise = (id: string, type: string, input: string) =>
    node(id, type, [input], { kind: 'identity' });

  let x = windowed('0', 'x');
  x = elementwise('1', 'BatchNorm2d', x);
  x = elementwise('2', 'ReLU', x);
  x = windowed('3', x);
  for (const stage of [4, 5, 6, 7]) {
    for (const block of [0, 1]) {
      const p = `${stage}.${block}`;
      let h = windowed(`${p}.conv1`, x);
      h = elementwise(`${p}.bn1`, 'BatchNorm2d', h);
      h = elementwise(`${p}.relu1`, 'ReLU', h);
      h = windowed(`${p}.conv2`, h);
      h = elementwise(`${p}.bn2`, 'BatchNorm2d', h);
      let skip = x;
      if (byName.has(`${p}.downsample.0`)) {
        skip = windowed(`${p}.downsample.0`, x);
        skip = elementwise(`${p}.downsample.1`, 'BatchNorm2d', skip);
      }
      const sum = node(`${p}.add`, 'add', [h, skip], { kind: 'add' });
      x = elementwise(`${p}.relu`, 'ReLU', sum);
    }
  }
  return { nodes, output: x };
}
