import { describe, expect, it } from 'vitest';
import { analyzeGraph, analyzeLayers, type RFGraph, type RFNode, type RFOp } from '../src/index.js';
import { loadNetworks } from './helpers/golden.js';
import { resnet18Graph } from './helpers/resnet.js';

const resnet = loadNetworks().resnet18;

const input: RFNode = { id: 'x', name: 'input', type: 'input', inputs: [], op: { kind: 'input' } };
const n = (id: string, inputs: string[], op: RFOp, type: string = op.kind): RFNode => ({
  id,
  name: id,
  type,
  inputs,
  op,
});

describe('analyzeGraph on ResNet-18 (torchvision, 1023 x 1023)', () => {
  const rf = analyzeGraph(resnet18Graph(resnet.layers), resnet.input_size);

  it('has the output size PyTorch measured', () => {
    expect(rf.outputSize).toEqual(resnet.output_size);
    expect(rf.outputSize).toEqual([32, 32]);
  });

  it('gives the exact fields PyTorch measured', () => {
    expect(rf.region([16, 16])).toEqual({ rows: [295, 729], cols: [295, 729] });
    expect(rf.regionClipped([0, 0])).toEqual({ rows: [0, 217], cols: [0, 217] });
    // Every measured unit: no dilation, and the edges are reached, so the clipped box is exact.
    for (const px of resnet.pixels) {
      expect(rf.regionClipped(px.output)).toEqual({ rows: px.rows, cols: px.cols });
    }
  });

  it('is aligned, with r = 435, S = 32, P = 217', () => {
    expect(rf.warnings).toEqual([]);
    expect(rf.aligned).toBe(true);
    expect(rf.size).toEqual([435, 435]);
    expect(rf.stride).toEqual([32, 32]);
    expect(rf.padding).toEqual([217, 217]);
    expect(rf.layers.every((l) => l.aligned)).toBe(true);
  });

  it('describes every node; a merge takes the union of its paths', () => {
    expect(rf.node('0')).toMatchObject({ kernel: [7, 7], stride: [2, 2], size: [7, 7], jump: [2, 2] });
    expect(rf.node('3')).toMatchObject({ outputSize: [256, 256], size: [11, 11], jump: [4, 4] });
    // The skip path of block 5.0 (1x1/2) sees less than the main path; the sum sees the main path's field.
    expect(rf.node('5.0.downsample.1').size).toEqual([43, 43]);
    expect(rf.node('5.0.conv2').size).toEqual([67, 67]);
    expect(rf.node('5.0.add')).toMatchObject({
      kind: 'add',
      size: [67, 67],
      jump: [8, 8],
      inputs: ['5.0.bn2', '5.0.downsample.1'],
    });
    expect(rf.nodeRegion('5.0.add', [0, 0])).toEqual({ rows: [-33, 33], cols: [-33, 33] });
    expect(rf.nodeRegion('5.0.downsample.1', [0, 0])).toEqual({ rows: [-21, 21], cols: [-21, 21] });
    expect(rf.layers).toHaveLength(resnet18Graph(resnet.layers).nodes.length - 1);
  });

  it('does not depend on the order the nodes are listed in', () => {
    const graph = resnet18Graph(resnet.layers);
    const shuffled = { ...graph, nodes: [...graph.nodes].reverse() };
    const again = analyzeGraph(shuffled, resnet.input_size);
    expect(again.region([16, 16])).toEqual(rf.region([16, 16]));
    expect(again.node('7.1.add')).toEqual(rf.node('7.1.add'));
  });
});

describe('analyzeGraph', () => {
  it('agrees with analyzeLayers on a chain', () => {
    const graph: RFGraph = {
      nodes: [
        input,
        n('c1', ['x'], { kind: 'conv', kernel: 3, padding: 1 }),
        n('r1', ['c1'], { kind: 'identity' }, 'ReLU'),
        n('p1', ['r1'], { kind: 'pool', kernel: 3, stride: 2, ceilMode: true }),
        n('c2', ['p1'], { kind: 'conv', kernel: 3, dilation: 2 }),
      ],
    };
    const g = analyzeGraph(graph, 17);
    const s = analyzeLayers(
      [
        { type: 'conv', kernel: 3, padding: 1 },
        { type: 'pool', kernel: 3, stride: 2, ceilMode: true },
        { type: 'conv', kernel: 3, dilation: 2 },
      ],
      17,
    );
    expect(g.output).toBe('c2');
    expect([g.outputSize, g.size, g.stride, g.padding]).toEqual([s.outputSize, s.size, s.stride, s.padding]);
    expect(g.region([3, 2])).toEqual(s.region([3, 2]));
    const strip = ({ name, type, ...rest }: { name: string; type: string }) => rest;
    expect(
      g.layers.filter((l) => l.kind !== 'identity').map(({ id, inputs, kind, aligned, ...l }) => strip(l)),
    ).toEqual(s.layers.map(strip));
  });

  it('unites the branches of a concatenation (inception-like, aligned)', () => {
    const rf = analyzeGraph(
      {
        nodes: [
          input,
          n('b1', ['x'], { kind: 'conv', kernel: 1 }),
          n('b3', ['x'], { kind: 'conv', kernel: 3, padding: 1 }),
          n('b5', ['x'], { kind: 'conv', kernel: 5, padding: 2 }),
          n('bp', ['x'], { kind: 'pool', kernel: 3, stride: 1, padding: 1 }),
          n('cat', ['b1', 'b3', 'b5', 'bp'], { kind: 'concat' }),
        ],
      },
      [9, 12],
    );
    expect(rf.warnings).toEqual([]);
    expect(rf.outputSize).toEqual([9, 12]);
    expect(rf.size).toEqual([5, 5]);
    expect(rf.padding).toEqual([2, 2]);
    expect(rf.region([0, 11])).toEqual({ rows: [-2, 2], cols: [9, 13] });
    expect(rf.regionClipped([0, 11])).toEqual({ rows: [0, 2], cols: [9, 11] });
  });

  it('shifts P by an explicit pad and extends the map', () => {
    const rf = analyzeGraph(
      {
        nodes: [
          input,
          n('pad', ['x'], { kind: 'pad', padding: { top: 1, bottom: 2, left: 0, right: 3 } }),
          n('conv', ['pad'], { kind: 'conv', kernel: 3, stride: 2 }),
        ],
      },
      8,
    );
    expect(rf.node('pad')).toMatchObject({ outputSize: [11, 11], effectivePadding: [1, 0], size: [1, 1] });
    expect(rf.outputSize).toEqual([5, 5]);
    expect(rf.padding).toEqual([1, 0]);
    expect(rf.region([4, 4])).toEqual({ rows: [7, 9], cols: [8, 10] });
  });

  it('reports paths with different jumps and unites their boxes per unit', () => {
    // Both branches map 8 pixels to 4 units, one with jump 2, one with jump 1.
    const rf = analyzeGraph(
      {
        nodes: [
          input,
          n('pool', ['x'], { kind: 'pool', kernel: 2 }),
          n('conv', ['x'], { kind: 'conv', kernel: 5 }),
          n('sum', ['pool', 'conv'], { kind: 'add' }),
        ],
      },
      8,
    );
    expect(rf.aligned).toBe(false);
    expect(rf.warnings.map((w) => [w.node, w.axis, w.kind])).toEqual([
      ['sum', 'rows', 'jump'],
      ['sum', 'cols', 'jump'],
    ]);
    expect(rf.warnings[0].paths).toEqual([
      { from: 'pool', jump: 2, start: 0.5 },
      { from: 'conv', jump: 1, start: 2 },
    ]);
    expect(rf.warnings[0].message).toContain("node 'sum' (add) is not aligned along rows");
    expect(rf.region([0, 3])).toEqual({ rows: [0, 4], cols: [3, 7] });
    expect(rf.region([3, 1])).toEqual({ rows: [3, 7], cols: [1, 5] });
    expect(rf.stride).toEqual([2, 2]);
    expect(rf.size).toEqual([5, 5]);
  });

  it('reports centres that differ by a fraction of the jump, and by whole jumps', () => {
    const rf = analyzeGraph(
      {
        nodes: [
          input,
          n('a', ['x'], { kind: 'conv', kernel: 3, stride: 2, padding: 1 }),
          n('b', ['x'], { kind: 'conv', kernel: 2, stride: 2 }),
          n('half', ['a', 'b'], { kind: 'add' }),
          n('crop', ['x'], { kind: 'pad', padding: { top: 0, bottom: 0, left: 2, right: -2 } }),
          n('whole', ['x', 'crop'], { kind: 'add' }),
          n('c', ['x'], { kind: 'conv', kernel: 1, stride: 2 }),
          n('fine', ['a', 'c'], { kind: 'add' }),
        ],
        output: 'half',
      },
      8,
    );
    const kinds = rf.warnings.map((w) => `${w.node} ${w.axis} ${w.kind}`);
    expect(kinds).toEqual(['half rows centre', 'half cols centre', 'whole cols shift']);
    expect(rf.node('fine').aligned).toBe(true);
    expect(rf.node('whole').aligned).toBe(false);
    expect(rf.node('half')).toMatchObject({ size: [3, 3], effectivePadding: [1, 1], start: [0, 0] });
    expect(rf.nodeRegion('whole', [0, 5])).toEqual({ rows: [0, 0], cols: [3, 5] });
  });

  it('rejects malformed graphs clearly', () => {
    const conv = (id: string, inputs: string[]) => n(id, inputs, { kind: 'conv', kernel: 3 });
    expect(() => analyzeGraph({ nodes: [input, conv('a', ['y'])] }, 8)).toThrow(
      "analyzeGraph: node 'a' (a) reads 'y', which is not in the graph",
    );
    expect(() =>
      analyzeGraph({ nodes: [input, conv('a', ['b']), conv('b', ['a'])], output: 'a' }, 8),
    ).toThrow('cycle');
    expect(() => analyzeGraph({ nodes: [input, conv('a', ['x']), conv('a', ['x'])] }, 8)).toThrow(
      "two nodes have the id 'a'",
    );
    expect(() => analyzeGraph({ nodes: [input, conv('a', ['x']), conv('b', ['x'])] }, 8)).toThrow(
      'expected one node that no other node reads, got 2 (a, b)',
    );
    expect(() => analyzeGraph({ nodes: [conv('a', [])] }, 8)).toThrow(
      "analyzeGraph: expected exactly one node of kind 'input', got 0",
    );
    expect(() => analyzeGraph({ nodes: [input, conv('a', [])], output: 'a' }, 8)).toThrow(
      "analyzeGraph: node 'a' (a, conv): a conv reads one input, got 0",
    );
    expect(() =>
      analyzeGraph(
        {
          nodes: [input, conv('a', ['x']), n('s', ['x', 'a'], { kind: 'add' })],
        },
        8,
      ),
    ).toThrow("analyzeGraph: node 's' (s, add): inputs have different map sizes: 'x' [8, 8], 'a' [6, 6]");
    expect(() => analyzeGraph({ nodes: [input, n('m', ['x'], { kind: 'matmul' as never })] }, 8)).toThrow(
      "unknown op kind 'matmul'",
    );
    expect(() => analyzeGraph({ nodes: [input, conv('a', ['x'])] }, 2)).toThrow(
      "analyzeGraph: node 'a' (a, conv) (kernel [3, 3]) leaves no output: input [2, 2] -> [0, 0]",
    );
    expect(() =>
      analyzeGraph({ nodes: [input, n('p', ['x'], { kind: 'pad', padding: 1, kernel: 3 })] }, 8),
    ).toThrow("analyzeGraph: node 'p' (p, pad): a pad takes only padding");
    expect(() =>
      analyzeGraph(
        {
          nodes: [input, n('p', ['x'], { kind: 'pad', padding: { top: 1, bottom: 0.5, left: 0, right: 0 } })],
        },
        8,
      ),
    ).toThrow('expected padding {top, bottom, left, right}, each an integer, got');
    expect(() =>
      analyzeGraph(
        {
          nodes: [
            input,
            n('c', ['x'], { kind: 'conv', kernel: 1, padding: { top: -1, bottom: 0, left: 0, right: 0 } }),
          ],
        },
        8,
      ),
    ).toThrow('each an integer >= 0');
    const rf = analyzeGraph({ nodes: [input, conv('a', ['x'])] }, 8);
    expect(() => rf.node('zz')).toThrow("no node 'zz'");
    expect(() => rf.region([6, 0])).toThrow(
      'analyzeGraph: region: unit [6, 0] is not inside the output map [6, 6]',
    );
  });
});
