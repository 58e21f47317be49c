/**
 * Kernels drawn side by side, one row of kernels per entry of `rows`, each weight a square of
 * `cell` pixels on a diverging scale: blue for negative, white for zero, red for positive, full
 * colour at `scale` (by default the largest |weight|). Returns RGBA bytes and the image size.
 */
export function kernelGrid(
  rows: readonly (readonly number[][])[][],
  { cell = 16, gap = 8, scale }: { cell?: number; gap?: number; scale?: number } = {},
): { width: number; height: number; rgba: Uint8Array } {
  const kernels = rows.flat();
  const kh = Math.max(...kernels.map((k) => k.length));
  const kw = Math.max(...kernels.map((k) => k[0].length));
  const perRow = Math.max(...rows.map((r) => r.length));
  const width = gap + perRow * (kw * cell + gap);
  const height = gap + rows.length * (kh * cell + gap);
  const rgba = new Uint8Array(4 * width * height).fill(255);
  const s = scale ?? Math.max(1e-12, ...kernels.flatMap((k) => k.flat().map(Math.abs)));
  rows.forEach((row, r) => {
    row.forEach((kernel, c) => {
      kernel.forEach((line, a) => {
        line.forEach((w, b) => {
          const t = Math.max(-1, Math.min(1, w / s));
          const fade = Math.round(255 * (1 - Math.abs(t)));
          const colour = t >= 0 ? [255, fade, fade] : [fade, fade, 255];
          const [x0, y0] = [gap + c * (kw * cell + gap) + b * cell, gap + r * (kh * cell + gap) + a * cell];
          for (let y = y0; y < y0 + cell; y++) {
            for (let x = x0; x < x0 + cell; x++) rgba.set([...colour, 255], 4 * (y * width + x));
          }
        });
      });
    });
  });
  return { width, height, rgba };
}
