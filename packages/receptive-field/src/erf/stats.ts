import type { Pair, Region } from '../types.js';

/** Summary statistics of an effective receptive field (a heat map normalised to sum 1). */
export interface HeatmapStats {
  /**
   * The smallest number of pixels that together hold 95% of the mass, as a fraction of the
   * theoretical field's area (clipped to the image). Luo et al. (2016) find it shrinks as
   * networks get deeper: the effective field is a small part of the theoretical one.
   */
  massFraction95: number;
  /** Standard deviation of the mass per axis `[rows, cols]` (second moments of the marginals). */
  sigma: Pair;
  /** Centre of mass `[row, col]`, in input pixel coordinates. */
  centre: Pair;
}

/** Statistics of `mass` (row-major, `[h, w]`, summing to 1) against the theoretical `region`. */
export function heatmapStats(mass: Float64Array, [h, w]: Pair, region: Region): HeatmapStats {
  const rows = new Float64Array(h);
  const cols = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const m = mass[y * w + x];
      rows[y] += m;
      cols[x] += m;
    }
  }
  const moments = (marginal: Float64Array): [number, number] => {
    let mean = 0;
    for (let i = 0; i < marginal.length; i++) mean += i * marginal[i];
    let variance = 0;
    for (let i = 0; i < marginal.length; i++) variance += (i - mean) ** 2 * marginal[i];
    return [mean, Math.sqrt(variance)];
  };
  const [cy, sy] = moments(rows);
  const [cx, sx] = moments(cols);

  // The heaviest pixels first, until they hold 95% (the tolerance absorbs rounding in the sum).
  const sorted = Float64Array.from(mass).sort().reverse();
  let held = 0;
  let count = 0;
  while (count < sorted.length && held < 0.95 - 1e-12) held += sorted[count++];
  const area = (region.rows[1] - region.rows[0] + 1) * (region.cols[1] - region.cols[0] + 1);
  return { massFraction95: count / area, sigma: [sy, sx], centre: [cy, cx] };
}
