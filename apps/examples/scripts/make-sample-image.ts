// Draws assets/sample.png, the 64 x 64 grayscale image `pnpm examples edges sample` reads:
// a bright rectangle (vertical and horizontal edges), a disk (every direction), a triangle
// (diagonal edges) and a soft horizontal ramp. Run once with `pnpm --filter @fovea/examples
// make-sample`; the PNG is committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const SIZE = 64;

function level(x: number, y: number): number {
  if (x >= 8 && x < 28 && y >= 8 && y < 24) return 230; // rectangle
  if ((x - 46) ** 2 + (y - 17) ** 2 <= 10 ** 2) return 180; // disk
  if (y >= 34 && y < 58 && x >= 8 && x - 8 <= y - 34) return 210; // right triangle, diagonal side
  if (y >= 36 && y < 58 && x >= 36 && x < 60) return Math.round(40 + ((x - 36) / 23) * 120); // ramp
  return 30;
}

const png = new PNG({ width: SIZE, height: SIZE });
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const i = 4 * (y * SIZE + x);
    png.data.fill(level(x, y), i, i + 3);
    png.data[i + 3] = 255;
  }
}
const out = fileURLToPath(new URL('../assets/sample.png', import.meta.url));
mkdirSync(fileURLToPath(new URL('../assets/', import.meta.url)), { recursive: true });
writeFileSync(out, PNG.sync.write(png, { colorType: 0 }));
console.log(`wrote ${out}`);
