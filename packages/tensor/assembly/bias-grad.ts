/**
 * The bias gradient of a convolution, per-channel sums of gy [N, O, L], in the order of the
 * TypeScript reference (src/kernels/conv2d.ts, conv2dBackwardBias) so both give the same bits:
 * per channel, four running double-precision sums s0..s3 of the float32 values at positions
 * 4 k .. 4 k + 3 of each sample's L outputs, the positions past the last multiple of 4 added to
 * s0, samples in order. Here s0, s1 are the lanes of one f64x2 and s2, s3 of another.
 */

/**
 * Adds `batch` samples of gy [batch, O, L] at `gy` to the running sums at `sums` (O x 4
 * doubles, s0..s3 per channel), so that a caller copying gy in a few samples at a time keeps
 * the reference's order.
 */
export function biasGradSums(gy: usize, sums: usize, batch: i32, channels: i32, plane: i32): void {
  const rowBytes = <usize>plane << 2;
  for (let o = 0; o < channels; o++) {
    const at = sums + (<usize>o << 5);
    let s01 = v128.load(at);
    let s23 = v128.load(at, 16);
    for (let n = 0; n < batch; n++) {
      const row = gy + <usize>(n * channels + o) * rowBytes;
      let p = 0;
      for (; p + 4 <= plane; p += 4) {
        const v = v128.load(row + (<usize>p << 2));
        s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v));
        s23 = f64x2.add(s23, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)));
      }
      for (; p < plane; p++) {
        const s0 = f64x2.extract_lane(s01, 0) + <f64>load<f32>(row + (<usize>p << 2));
        s01 = f64x2.replace_lane(s01, 0, s0);
      }
    }
    v128.store(at, s01);
    v128.store(at, s23, 16);
  }
}
