import { argumentError } from '@fovea/tensor';
import type { AlignmentWarning, LayerInfo, Pair } from './types.js';
import { formatPair } from './validate.js';

/** What `formatTable` needs: any `analyzeLayers` or `analyzeGraph` result. */
export interface TableSource {
  layers: readonly LayerInfo[];
  inputSize: Pair;
  size: Pair;
  stride: Pair;
  padding: Pair;
  warnings?: readonly AlignmentWarning[];
  /** What a traced model's analysis noticed (`receptiveField`), printed after the warnings. */
  notes?: readonly { message: string }[];
}

const HEADERS = ['Layer (type)', 'map size', 'start', 'jump', 'receptive_field'];

/** One number when both axes agree (the usual square case), `[h, w]` otherwise. */
function compact([h, w]: Pair): string {
  return h === w ? String(h) : formatPair([h, w]);
}

/**
 * The summary torch_receptive_field prints: one row per layer after an input row, with the map
 * size, the centre of unit 0 (`start`, in input pixels, pixel i centred at i), the jump and the
 * receptive field. Text columns are left-aligned, numbers right-aligned.
 *
 * @param result - What `analyzeLayers`, `analyzeGraph` or `receptiveField` returned.
 * @returns One row per layer: output size, kernel, stride, padding, jump, `r` and centre.
 */
export function formatTable(result: TableSource): string {
  const shape = 'an analysis result {layers, inputSize, size, stride, padding}';
  if (typeof result !== 'object' || result === null || !Array.isArray(result.layers)) {
    throw argumentError('formatTable', 'result', shape, result);
  }
  for (const key of ['inputSize', 'size', 'stride', 'padding'] as const) {
    if (!Array.isArray(result[key]) || result[key].length !== 2) {
      throw argumentError('formatTable', `result.${key}`, '[h, w]', result[key]);
    }
  }
  const rows: string[][] = [
    ['input', formatPair(result.inputSize), '0', '1', '1'],
    ...result.layers.map((l) => [
      `${l.name} (${l.type})`,
      formatPair(l.outputSize),
      compact(l.start),
      compact(l.jump),
      compact(l.size),
    ]),
  ];
  const widths = HEADERS.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const out = [
    '-'.repeat(total),
    line(HEADERS),
    '='.repeat(total),
    ...rows.map(line),
    '='.repeat(total),
    `receptive field ${formatPair(result.size)}, jump ${formatPair(result.stride)}, ` +
      `effective padding ${formatPair(result.padding)}`,
  ];
  for (const w of result.warnings ?? []) out.push(`warning: ${w.message}`);
  for (const n of result.notes ?? []) out.push(`note: ${n.message}`);
  return out.join('\n');
}
