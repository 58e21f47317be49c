import { avgPool2d, conv2d, Generator, maxPool2d, ones, rand, type Tensor, zeros } from '@fovea/tensor';
import type { LayerRow } from './layers';

/**
 * The effective receptive field of output unit `unit` (Luo et al., NeurIPS 2016): the gradient of
 * that unit with respect to the input, with every convolution weight set to one, averaged over
 * random inputs (which only matters for max pooling: convolutions and average pooling are linear).
 * Returns the `size` x `size` heat map, row-major.
 */
export function effectiveField(
  layers: readonly LayerRow[],
  size: number,
  unit: readonly [number, number],
  samples = 8,
): Float32Array {
  const generator = new Generator(0);
  const total = zeros([size, size]);
  const linear = layers.every((layer) => layer.type !== 'maxpool');
  for (let s = 0; s < (linear ? 1 : samples); s++) {
    const x = rand([1, 1, size, size], { generator, requiresGrad: true });
    const y = layers.reduce(forward, x);
    y.slice(0, 0, unit[0], unit[1]).backward();
    total.add_(x.grad!.reshape([size, size]));
  }
  return Float32Array.from(total.div(linear ? 1 : samples).dataSync());
}

function forward(x: Tensor, layer: LayerRow): Tensor {
  const { kernel, stride, padding, dilation } = layer;
  if (layer.type === 'conv')
    return conv2d(x, ones([1, 1, kernel, kernel]), null, { stride, padding, dilation });
  if (layer.type === 'maxpool') return maxPool2d(x, kernel, { stride, padding, dilation });
  return avgPool2d(x, kernel, { stride, padding });
}

/** Bounding box of the non-zero entries of a heat map, or null if it is all zeros. */
export function support(
  map: Float32Array,
  size: number,
): { rows: [number, number]; cols: [number, number] } | null {
  let rows: [number, number] = [size, -1];
  let cols: [number, number] = [size, -1];
  map.forEach((value, i) => {
    if (value === 0) return;
    const row = Math.floor(i / size);
    const col = i % size;
    rows = [Math.min(rows[0], row), Math.max(rows[1], row)];
    cols = [Math.min(cols[0], col), Math.max(cols[1], col)];
  });
  return rows[1] < 0 ? null : { rows, cols };
}
