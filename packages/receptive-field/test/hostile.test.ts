import { Conv2d, Sequential } from '@fovea/nn';
import { rand } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  analyzeGraph,
  analyzeLayers,
  effectiveReceptiveField,
  encodePNG,
  formatTable,
  heatmapToRGBA,
  ModuleCallError,
  receptiveField,
  renderHeatmapSVG,
} from '../src/index.js';

/** Issue 17's cases for @fovea/receptive-field: a clear error, never a rounded or a TypeError. */

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;
const conv3 = { type: 'conv', kernel: 3 } as const;

describe('@fovea/receptive-field under hostile input', () => {
  it('analyzeLayers with a size of 2**55 does not round silently', () => {
    expect(() => analyzeLayers([conv3], 2 ** 55)).toThrow(
      /^analyzeLayers: expected input size as .* got 36028797018963970/,
    );
    expect(() =>
      analyzeLayers(
        [
          { type: 'conv', kernel: 3, stride: 2 ** 30 },
          { type: 'conv', kernel: 3, stride: 2 ** 30 },
        ],
        2 ** 52,
      ),
    ).toThrow(/^analyzeLayers: layer 1: sizes exceed 2\*\*53 - 1/);
  });

  it('analyzeLayers given [null] or an object', () => {
    expect(() => analyzeLayers(any([null]), 8)).toThrow(
      /^analyzeLayers: argument 'layers\[0\]' must be a layer .* got null/,
    );
    expect(() => analyzeLayers(any({ type: 'conv' }), 8)).toThrow(
      "analyzeLayers: argument 'layers' must be an array, got an object",
    );
  });

  it('formatTable({})', () => {
    expect(() => formatTable(any({}))).toThrow(
      /^formatTable: argument 'result' must be an analysis result .* got an object/,
    );
    expect(formatTable(analyzeLayers([conv3], 8))).toMatch(/receptive field \[?3/);
  });
});

/** Found by the fuzz suite (fuzz.test.ts) under issue 17's strict rules: each names its function. */
describe('@fovea/receptive-field: faults the fuzz suite found', () => {
  it('analyzeGraph checks the graph it is given', () => {
    expect(() => analyzeGraph(any(1), [1, 1])).toThrow(/^analyzeGraph: argument 'graph' must be a graph/);
    expect(() => analyzeGraph(any({ nodes: [{ id: 'a', inputs: [], op: null }] }), 8)).toThrow(
      /^analyzeGraph: argument 'graph.nodes\[0\].op' must be an op/,
    );
  });

  it('encodePNG, heatmapToRGBA and renderHeatmapSVG check their arguments', () => {
    expect(() => encodePNG(any(undefined))).toThrow(/^encodePNG: argument 'image' must be an RGBA image/);
    expect(() => encodePNG(any({ width: 1, height: 1, data: [0, 0, 0, 0] }))).toThrow(
      "encodePNG: argument 'image.data' must be a Uint8ClampedArray of RGBA bytes, got [0, 0, 0, 0]",
    );
    expect(() => heatmapToRGBA(rand([2, 2]), any(null))).not.toThrow();
    expect(() => renderHeatmapSVG(rand([2, 3]), any({ region: {} }))).toThrow(
      /^renderHeatmapSVG: argument 'region' must be a region/,
    );
    expect(
      renderHeatmapSVG(rand([1, 1]), { region: { rows: [0, 0], cols: [0, 0] }, stroke: '"/><x' }),
    ).toContain('stroke="&quot;/&gt;&lt;x"');
  });

  it('the tracing functions and ModuleCallError describe any value', () => {
    const odd = Object.create(null);
    expect(() => receptiveField(any([odd]), [1, 1, 8, 8])).toThrow(
      /^receptiveField: expected a @fovea\/nn Module, got an array/,
    );
    const conv = new Sequential(new Conv2d(1, 1, 3));
    expect(() => effectiveReceptiveField(conv, any([odd]))).toThrow(
      /^effectiveReceptiveField: expected an input shape/,
    );
    expect(() => new ModuleCallError(any(odd), '0', 'Conv2d', [], { cause: null })).toThrow(
      "ModuleCallError: argument 'message' must be a string, got an object",
    );
  });
});
