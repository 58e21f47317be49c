import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The original files: FASHION_MNIST_DIR when set, else where Debian's dataset-fashion-mnist puts
 * them (CI installs it when it can). Tests of the full set are skipped where neither is there.
 */
export const DEBIAN_DIR = process.env.FASHION_MNIST_DIR || '/usr/share/datasets/fashion-mnist';
/** The subset cut from the originals that ships with the examples app: always in the repository. */
export const SUBSET_DIR = fileURLToPath(
  new URL('../../../../apps/examples/assets/fashion-mnist/', import.meta.url),
);
export const HAS_FULL_SET = existsSync(DEBIAN_DIR);

/** IDX bytes: the header for `shape` with type `code`, then `body` (default: zero bytes). */
export function idxBytes(code: number, shape: readonly number[], body?: Uint8Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const size = { 8: 1, 9: 1, 11: 2, 12: 4, 13: 4, 14: 8 }[code] ?? 1;
  const data = body ?? new Uint8Array(count * size);
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((n, i) => view.setUint32(4 + 4 * i, n));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** Fashion-MNIST-shaped files: `n` images of 28 x 28 whose pixel k of image i is (i + k) % 256, labels i % 10. */
export function fakeDataset(n: number): { images: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let k = 0; k < 784; k++) pixels[784 * i + k] = (i + k) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images: idxBytes(8, [n, 28, 28], pixels), labels: idxBytes(8, [n], labels) };
}
