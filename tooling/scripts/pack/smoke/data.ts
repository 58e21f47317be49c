// @fovea/data with @fovea/tensor: a Fashion-MNIST-shaped dataset from raw IDX bytes, batched by a
// seeded, shuffled DataLoader.
import { DataLoader, FashionMNIST } from '@fovea/data';
import { Generator, type Tensor } from '@fovea/tensor';

function idx(code: number, shape: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + body.length);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((n, i) => new DataView(out.buffer).setUint32(4 + 4 * i, n));
  out.set(body, 4 + 4 * shape.length);
  return out;
}

const n = 10;
const pixels = new Uint8Array(n * 784).map((_, k) => k % 256);
const labels = Uint8Array.from({ length: n }, (_, i) => i);
const data = FashionMNIST.fromBytes({
  images: idx(8, [n, 28, 28], pixels),
  labels: idx(8, [n], labels),
});
const loader = new DataLoader(data, { batchSize: 4, shuffle: true, generator: new Generator(0) });
const shapes: string[] = [];
const seen: number[] = [];
for (const batch of loader) {
  const [x, y] = batch as Tensor[];
  shapes.push(`[${x.shape.join(', ')}]`);
  seen.push(...(y.toArray() as number[]));
}
if ([...seen].sort((a, b) => a - b).join() !== labels.join())
  throw new Error(`labels served: ${seen.join(', ')}`);
console.log(
  `${data.length} images, ${loader.length} batches: ${shapes.join(' ')}; ${FashionMNIST.classes[9]}`,
);
