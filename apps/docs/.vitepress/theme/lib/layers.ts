import type { LayerSpec } from '@fovea/receptive-field';

/** One row of the explorer's form: a square convolution or pooling layer. */
export interface LayerRow {
  type: 'conv' | 'maxpool' | 'avgpool';
  kernel: number;
  stride: number;
  padding: number;
  /** Convolution and max pooling only (PyTorch's average pooling has none). */
  dilation: number;
}

export const DEFAULT_INPUT_SIZE = 20;

export function defaultLayers(): LayerRow[] {
  return [
    { type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 1 },
    { type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 1 },
    { type: 'maxpool', kernel: 2, stride: 2, padding: 0, dilation: 1 },
    { type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 1 },
  ];
}

export function newLayer(): LayerRow {
  return { type: 'conv', kernel: 3, stride: 1, padding: 0, dilation: 1 };
}

/** The row as `analyzeLayers` takes it. */
export function toSpec(row: LayerRow): LayerSpec {
  const { kernel, stride, padding } = row;
  if (row.type === 'conv') return { type: 'conv', kernel, stride, padding, dilation: row.dilation };
  if (row.type === 'maxpool') return { type: 'pool', kernel, stride, padding, dilation: row.dilation };
  return { type: 'pool', kernel, stride, padding };
}
