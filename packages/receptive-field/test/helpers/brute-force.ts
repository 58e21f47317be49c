/**
 * Brute-force receptive fields along one axis, written without the package's recurrences so the
 * tests can hold the analysis to them. A stack of convolutions and poolings is separable, so each
 * axis is checked on its own.
 */

export interface Window1d {
  kernel: number;
  stride: number;
  padBefore: number;
  padAfter: number;
  dilation: number;
  ceilMode: boolean;
}

/**
 * Length of a layer's output by enumerating window start positions x * s in the padded input of
 * length L = n + p_before + p_after. Floor mode keeps windows that fit in it. Ceil mode (PyTorch)
 * also keeps a window running off the end by less than a stride, unless it starts in the right
 * padding (start >= n + p_before).
 */
export function windowCount(n: number, w: Window1d): number {
  const span = w.dilation * (w.kernel - 1) + 1;
  const padded = n + w.padBefore + w.padAfter;
  let count = 0;
  for (let x = 0; ; x++) {
    const start = x * w.stride;
    const fits = start + span <= padded;
    const ceilKeeps = w.ceilMode && start + span < padded + w.stride && start < n + w.padBefore;
    if (!fits && !ceilKeeps) return count;
    count++;
  }
}

/** Map lengths of the stack: `[n, n_1, ..., n_L]`. */
export function mapLengths(layers: readonly Window1d[], n: number): number[] {
  const lengths = [n];
  for (const w of layers) lengths.push(windowCount(lengths[lengths.length - 1], w));
  return lengths;
}

/**
 * For every input pixel, push a change forward through the stack: unit x of a layer reads the
 * positions x * s - p + t * d (t < k) of the map below, and padding is constant, so a change at
 * position y reaches unit x iff y = x * s - p + t * d for some tap t with x inside the map.
 * Returns, per output unit, the sorted input pixels that reach it.
 */
export function touchedPixels(layers: readonly Window1d[], n: number): number[][] {
  const lengths = mapLengths(layers, n);
  const nOut = lengths[lengths.length - 1];
  const touched: number[][] = Array.from({ length: Math.max(nOut, 0) }, () => []);
  for (let pixel = 0; pixel < n; pixel++) {
    let reached = new Set([pixel]);
    layers.forEach((w, l) => {
      const next = new Set<number>();
      for (const y of reached) {
        for (let t = 0; t < w.kernel; t++) {
          const scaled = y + w.padBefore - t * w.dilation;
          if (scaled % w.stride !== 0) continue;
          const x = scaled / w.stride;
          if (x >= 0 && x < lengths[l + 1]) next.add(x);
        }
      }
      reached = next;
    });
    for (const unit of reached) touched[unit].push(pixel);
  }
  return touched;
}

/**
 * Pixels of an unbounded input (no image border, no map borders) that unit `unit` of the last
 * layer reads, walking back tap by tap: the set whose bounding box the recurrences describe.
 */
export function unboundedField(layers: readonly Window1d[], unit: number): { lo: number; hi: number } {
  let reached = new Set([unit]);
  for (let l = layers.length - 1; l >= 0; l--) {
    const w = layers[l];
    const below = new Set<number>();
    for (const x of reached) {
      for (let t = 0; t < w.kernel; t++) below.add(x * w.stride - w.padBefore + t * w.dilation);
    }
    reached = below;
  }
  return { lo: Math.min(...reached), hi: Math.max(...reached) };
}
