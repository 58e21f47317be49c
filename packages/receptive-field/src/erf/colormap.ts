/**
 * Viridis (van der Walt and Smith, matplotlib's default): perceptually uniform, readable in grey
 * and by colour-blind readers. Eleven evenly spaced stops, as R's `viridis(11)` gives them;
 * colours between stops are interpolated linearly.
 */
const VIRIDIS = [
  0x440154, 0x482576, 0x414487, 0x35608d, 0x2a788e, 0x21908c, 0x22a884, 0x43bf71, 0x7ad151, 0xbbdf27,
  0xfde725,
];

/** The viridis colour at `t` in [0, 1] (clamped), as `[r, g, b]` bytes. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const channel = (shift: number) => {
    const a = (VIRIDIS[i] >> shift) & 0xff;
    const b = (VIRIDIS[i + 1] >> shift) & 0xff;
    return Math.round(a + (b - a) * f);
  };
  return [channel(16), channel(8), channel(0)];
}
