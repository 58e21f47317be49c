import { describe, expect, it } from 'vitest';
import { analyzeGraph, analyzeLayers, formatTable } from '../src/index.js';
import { loadNetworks } from './helpers/golden.js';
import { resnet18Graph } from './helpers/resnet.js';

describe('formatTable', () => {
  it("prints torch_receptive_field's summary for the chapter's example", () => {
    const rf = analyzeLayers(
      [
        { type: 'conv', kernel: 2 },
        { type: 'conv', kernel: 2 },
      ],
      3,
    );
    expect(formatTable(rf)).toBe(
      [
        '----------------------------------------------------',
        'Layer (type)  map size  start  jump  receptive_field',
        '====================================================',
        'input           [3, 3]      0     1                1',
        '0 (conv)        [2, 2]    0.5     1                2',
        '1 (conv)        [1, 1]      1     1                3',
        '====================================================',
        'receptive field [3, 3], jump [1, 1], effective padding [0, 0]',
      ].join('\n'),
    );
  });

  it('shows both axes when they differ', () => {
    const rf = analyzeLayers(
      [
        { type: 'conv', kernel: [1, 3], padding: [0, 1], name: 'conv1' },
        { type: 'pool', kernel: 2 },
      ],
      [32, 17],
    );
    const lines = formatTable(rf).split('\n');
    expect(lines[4]).toBe('conv1 (conv)  [32, 17]      0     1           [1, 3]');
    expect(lines[5]).toBe('1 (pool)       [16, 8]    0.5     2           [2, 4]');
  });

  it('keeps ResNet-18 in aligned columns within 80 characters', () => {
    const resnet = loadNetworks().resnet18;
    const table = formatTable(analyzeGraph(resnet18Graph(resnet.layers), resnet.input_size));
    const lines = table.split('\n');
    const body = lines.slice(1, -2);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    // Every row ends where the header ends: numbers are right-aligned under their headings.
    expect(new Set(body.filter((l) => !l.startsWith('=')).map((l) => l.length)).size).toBe(1);
    expect(lines.find((l) => l.startsWith('7.1.add (add)'))).toMatch(/\[32, 32\]\s+0\s+32\s+435$/);
    expect(lines.at(-1)).toBe('receptive field [435, 435], jump [32, 32], effective padding [217, 217]');
  });

  it('lists alignment warnings after the table', () => {
    const rf = analyzeGraph(
      {
        nodes: [
          { id: 'x', name: 'input', type: 'input', inputs: [], op: { kind: 'input' } },
          { id: 'p', name: 'pool', type: 'AvgPool2d', inputs: ['x'], op: { kind: 'pool', kernel: 2 } },
          { id: 'c', name: 'conv', type: 'Conv2d', inputs: ['x'], op: { kind: 'conv', kernel: 5 } },
          { id: 's', name: 'sum', type: 'add', inputs: ['p', 'c'], op: { kind: 'add' } },
        ],
      },
      8,
    );
    const lines = formatTable(rf).split('\n');
    expect(lines.filter((l) => l.startsWith('warning: '))).toHaveLength(2);
    expect(lines.at(-2)).toContain("warning: node 's' (add) is not aligned along rows");
  });
});
