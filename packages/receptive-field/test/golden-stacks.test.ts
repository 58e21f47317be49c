import { describe, expect, it } from 'vitest';
import { analyzeLayers } from '../src/index.js';
import { touchedPixels } from './helpers/brute-force.js';
import { loadStackCases, toLayerSpec, window1d } from './helpers/golden.js';

/*
 * PyTorch measured, for some output units of each stack, the bounding box of the input pixels
 * with a non-zero gradient (all-positive weights, so nothing cancels), clipped to the image.
 *
 * When can that box be strictly smaller than the analytic box clipped to the image? Along one
 * axis, unit u reads input pixel u*S - P + sum_l t_l * d_l * S_{l-1} (taps 0 <= t_l < k_l), but
 * only through paths whose position on every intermediate map lies inside that map: padding is a
 * constant and passes no gradient. The measured box is the bounding box of the pixels such a path
 * reaches, so an edge of the clipped box is measured exactly iff some valid path reaches it:
 * - an edge of the unclipped box inside the image is reached by one path only (all taps first,
 *   or all last); it is missed iff that path steps into an intermediate map's padding, or beyond
 *   a map a strided layer never covers to its end;
 * - an edge clipped to the image border (0 or n - 1) is reached iff the border pixel is a sum of
 *   taps of a valid path; dilation and stride leave gaps (the border falls between taps), and
 *   paths through intermediate padding do not count.
 * The test decides this with an independent forward propagation (helpers/brute-force.ts) and
 * asserts equality with the analytic box whenever both clipped edges are reached, and a strictly
 * smaller measured edge whenever one is not: a rule that is exact, not a tolerance.
 */

const cases = loadStackCases();

function boxOf(pixels: number[]): [number, number] | null {
  return pixels.length === 0 ? null : [pixels[0], pixels[pixels.length - 1]];
}

describe('analyzeLayers against PyTorch-measured exact receptive fields', () => {
  it('loads the golden stacks', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(cases.map((c) => [`${c.file} #${c.index}`, c] as const))('%s', (_, c) => {
    const layers = c.layers.map(toLayerSpec);
    const rf = analyzeLayers(layers, c.input_size);
    const inputSize = rf.inputSize;
    const touched = ([0, 1] as const).map((axis) =>
      touchedPixels(
        layers.map((l) => window1d(l, axis)),
        inputSize[axis],
      ),
    );

    it('has PyTorch output size', () => {
      expect(rf.outputSize).toEqual(c.output_size);
      expect(touched.map((t) => t.length)).toEqual(c.output_size);
    });

    it.each(c.pixels.map((p) => [`unit [${p.output.join(', ')}]`, p] as const))('%s', (_, px) => {
      const unit = px.output;
      const exact = [0, 1].map((axis) => touched[axis][unit[axis]]);
      const brute = exact.map(boxOf);
      const measuredNothing = px.nonzero === 0 || px.rows === null || px.cols === null;

      // The brute force is PyTorch's gradient: same boxes and the same count of pixels.
      if (px.nonzero !== undefined) expect(exact[0].length * exact[1].length).toBe(px.nonzero);
      if (measuredNothing) {
        expect(brute[0] === null || brute[1] === null).toBe(true);
        expect(rf.exactRegion(unit)).toBeNull();
        return;
      }
      expect(brute).toEqual([px.rows, px.cols]);
      expect(rf.exactRegion(unit)).toEqual({ rows: px.rows, cols: px.cols });

      const clipped = rf.regionClipped(unit);
      const unclipped = rf.region(unit);
      (['rows', 'cols'] as const).forEach((key, axis) => {
        const measured = px[key]!;
        const [lo, hi] = clipped[key];
        // Unclipped: from u*S - P, r pixels.
        expect(unclipped[key][0]).toBe(unit[axis] * rf.stride[axis] - rf.padding[axis]);
        expect(unclipped[key][1] - unclipped[key][0] + 1).toBe(rf.size[axis]);
        expect(clipped[key]).toEqual([
          Math.max(unclipped[key][0], 0),
          Math.min(unclipped[key][1], inputSize[axis] - 1),
        ]);
        // Always inside the analytic box.
        expect(measured[0]).toBeGreaterThanOrEqual(lo);
        expect(measured[1]).toBeLessThanOrEqual(hi);
        // Equal at an edge exactly when a valid path reaches it.
        const reached = new Set(exact[axis]);
        if (reached.has(lo)) expect(measured[0]).toBe(lo);
        else expect(measured[0]).toBeGreaterThan(lo);
        if (reached.has(hi)) expect(measured[1]).toBe(hi);
        else expect(measured[1]).toBeLessThan(hi);
      });
    });
  });

  it('finds boxes strictly smaller than the analytic one in the visible set (the rule is exercised)', () => {
    let smaller = 0;
    let equal = 0;
    for (const c of cases) {
      const rf = analyzeLayers(c.layers.map(toLayerSpec), c.input_size);
      for (const px of c.pixels) {
        if (px.rows === null || px.cols === null) continue;
        const clipped = rf.regionClipped(px.output);
        const same =
          clipped.rows[0] === px.rows[0] &&
          clipped.rows[1] === px.rows[1] &&
          clipped.cols[0] === px.cols[0] &&
          clipped.cols[1] === px.cols[1];
        if (same) equal++;
        else smaller++;
      }
    }
    expect(smaller).toBeGreaterThan(0);
    expect(equal).toBeGreaterThan(smaller);
  });
});
