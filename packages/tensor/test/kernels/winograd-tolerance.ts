import type { WinogradTile } from '../../src/kernels/conv2d-geometry.js';

/**
 * F(2 x 2): 3e-5 times the sum of the absolute values of each element's terms. F(4 x 4)'s
 * transforms mix a tile's 6 x 6 inputs with factors up to 8 and 1/6, so an element's error
 * follows the largest such sum over its 4 x 4 output tile (an output whose own terms are all
 * padding can be off by a rounding of its neighbours'), and is larger: 3e-4 of it.
 */
export const rtol = (tile: WinogradTile) => (tile === 2 ? 3e-5 : 3e-4);

export function tileScale(
  scale: ArrayLike<number>,
  shape: readonly number[],
  tile: WinogradTile,
): ArrayLike<number> {
  if (tile === 2) return scale;
  const [h, w] = [shape[2], shape[3]];
  const plane = h * w;
  const out = new Float64Array(scale.length);
  for (let at = 0; at < scale.length; at += plane) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        let m = 0;
        const [r0, c0] = [r - (r % tile), c - (c % tile)];
        for (let i = r0; i < Math.min(h, r0 + tile); i++) {
          for (let j = c0; j < Math.min(w, c0 + tile); j++) m = Math.max(m, Math.abs(scale[at + i * w + j]));
        }
        out[at + r * w + c] = m;
      }
    }
  }
  return out;
}
