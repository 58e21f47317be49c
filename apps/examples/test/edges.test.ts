import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_DIR, chapterRepr, indexOfBlock, runExamples, tempDir } from './helpers/run.js';

const SAMPLE = join(APP_DIR, 'assets', 'sample.png');

/** A grayscale PNG from gray levels by row. */
function writeGray(path: string, rows: number[][]): void {
  const png = new PNG({ width: rows[0].length, height: rows.length });
  rows.flat().forEach((v, i) => {
    png.data.fill(v, 4 * i, 4 * i + 3);
    png.data[4 * i + 3] = 255;
  });
  writeFileSync(path, PNG.sync.write(png, { colorType: 0 }));
}

/** Gray levels by row (the red channel of pngjs's RGBA). */
function readGray(path: string): { png: PNG; rows: number[][] } {
  const png = PNG.sync.read(readFileSync(path));
  const rows = Array.from({ length: png.height }, (_, y) =>
    Array.from({ length: png.width }, (_, x) => png.data[4 * (y * png.width + x)]),
  );
  return { png, rows };
}

describe('edges', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('edges');
  });

  it("without an input runs the chapter's cell", () => {
    const out = runExamples(['edges']);
    expect(out.status).toBe(0);
    let at = 0;
    for (const name of ['chapter_X', 'chapter_Y', 'chapter_zeros_8x5']) {
      at = indexOfBlock(out.stdout, chapterRepr(name), at);
      expect(at, name).toBeGreaterThanOrEqual(0);
    }
  });

  it('round-trips the sample image: a readable 64x64 grayscale PNG with edges in it', () => {
    const out = join(dir, 'sample-sobel.png');
    const run = runExamples(['edges', SAMPLE, '--kernel', 'sobel-x', '-o', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${out}`);
    const { png, rows } = readGray(out);
    expect([png.width, png.height]).toEqual([64, 64]);
    const levels = new Set(rows.flat());
    expect(levels.has(0) && levels.has(255)).toBe(true);
    // Inside the flat background the response is zero, which maps to the middle of 0..255.
    const background = rows[30][4];
    expect(rows[30].slice(2, 6).every((v) => v === background)).toBe(true);
    expect(Math.abs(background - 128)).toBeLessThanOrEqual(1);

    const viaName = join(dir, 'by-name.png');
    expect(runExamples(['edges', 'sample', '--kernel', 'sobel-x', '-o', viaName]).status).toBe(0);
    expect(readFileSync(viaName)).toEqual(readFileSync(out));
  });

  it('gives the known response of [1,-1] on a synthetic step edge', () => {
    const input = join(dir, 'step.png');
    // 12 wide, 5 high: white columns 0..5, black 6..11, so X[j] - X[j+1] = 1 at j = 5 only.
    writeGray(
      input,
      Array.from({ length: 5 }, () => Array.from({ length: 12 }, (_, j) => (j < 6 ? 255 : 0))),
    );
    const out = join(dir, 'step-edges.png');
    const run = runExamples(['edges', input, '--kernel', '[1,-1]', '--padding', 'valid', '-o', out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('feature map 11x5, response in [0.000, 1.000]');
    const { png, rows } = readGray(out);
    expect([png.width, png.height]).toEqual([11, 5]);
    for (const row of rows) expect(row).toEqual(Array.from({ length: 11 }, (_, j) => (j === 5 ? 255 : 0)));

    const same = join(dir, 'step-same.png');
    expect(runExamples(['edges', input, '--kernel', '[[1, -1]]', '-o', same]).status).toBe(0);
    const padded = readGray(same);
    expect([padded.png.width, padded.png.height]).toEqual([12, 5]);
  });

  it('applies every named kernel and JSON matrices', () => {
    for (const kernel of [
      'edge',
      'sobel-x',
      'sobel-y',
      'diagonal-down',
      'diagonal-up',
      'laplacian',
      'blur',
      '[[0,1],[2,3]]',
    ]) {
      const out = join(dir, `k-${kernel.length}-${kernel.replace(/\W/g, '')}.png`);
      const run = runExamples(['edges', 'sample', '--kernel', kernel, '--abs', '-o', out]);
      expect(run.status, `${kernel}: ${run.stderr}`).toBe(0);
      expect(readGray(out).png.width).toBe(64);
    }
  });

  it('writes next to test-output/examples/edges in the folder pnpm ran in by default', () => {
    const cwd = tempDir('edges-default');
    const run = runExamples(['edges', 'sample', '--kernel', 'laplacian'], { env: { INIT_CWD: cwd } });
    expect(run.status).toBe(0);
    const expected = join(cwd, 'test-output', 'examples', 'edges', 'sample-laplacian.png');
    expect(run.stdout).toContain(`wrote ${expected}`);
    expect(readGray(expected).png.width).toBe(64);
  });

  it('reads JPEG and WebP photos as well as PNG: the same feature map, up to JPEG rounding', async () => {
    const png = join(dir, 'photo.png');
    const jpeg = join(dir, 'photo.jpg');
    const webp = join(dir, 'photo.webp');
    // an RGB "photo" with a colour gradient and a bright square, in the three formats
    const width = 48;
    const height = 32;
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= 12 && x < 36 && y >= 8 && y < 24;
        rgb.set(inside ? [240, 230, 220] : [20 + 4 * x, 60, 30 + 3 * y], 3 * (y * width + x));
      }
    }
    const raw = { raw: { width, height, channels: 3 as const } };
    await sharp(rgb, raw).png().toFile(png);
    await sharp(rgb, raw).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toFile(jpeg);
    await sharp(rgb, raw).webp({ lossless: true }).toFile(webp);
    const maps: number[][][] = [];
    for (const file of [png, jpeg, webp]) {
      const out = join(dir, `${file.split('.').pop()}-edges.png`);
      const run = runExamples(['edges', file, '--kernel', 'sobel-x', '-o', out]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`read ${file} (48x32)`);
      maps.push(readGray(out).rows);
    }
    expect(maps[2]).toEqual(maps[0]); // lossless WebP: the same pixels, the same map
    const diff = maps[1].flat().map((v, i) => Math.abs(v - maps[0].flat()[i]));
    expect(Math.max(...diff)).toBeLessThanOrEqual(12); // JPEG at quality 100 rounds a little
  });

  it('names a JPEG or WebP file that is truncated or corrupt', async () => {
    const jpeg = await sharp(SAMPLE).jpeg().toBuffer();
    const truncated = join(dir, 'truncated.jpg');
    writeFileSync(truncated, jpeg.subarray(0, 200));
    const webp = join(dir, 'corrupt.webp');
    const webpBytes = await sharp(SAMPLE).webp().toBuffer();
    writeFileSync(webp, Buffer.concat([webpBytes.subarray(0, 20), Buffer.alloc(40, 7)]));
    for (const [file, format] of [
      [truncated, 'JPEG'],
      [webp, 'WebP'],
    ]) {
      const run = runExamples(['edges', file, '-o', join(dir, 'never.png')]);
      expect(run.status, file).toBe(1);
      expect(run.stderr).toContain(
        `error: edges: '${file}' is not a readable ${format} (truncated or corrupt)`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names the file when it is missing, not an image, truncated or a folder', () => {
    const missing = join(dir, 'missing.png');
    const notPng = join(dir, 'text.png');
    writeFileSync(notPng, 'this is not an image\n');
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, readFileSync(SAMPLE).subarray(0, 100));
    const folder = join(dir, 'folder.png');
    mkdirSync(folder);
    const cases: [string, string][] = [
      [missing, `edges: cannot read '${missing}': no such file`],
      [notPng, `edges: '${notPng}' is not a PNG, JPEG or WebP file (its first bytes match none of them)`],
      [truncated, `edges: '${truncated}' is not a readable PNG (truncated or corrupt)`],
      [folder, `edges: cannot read '${folder}': it is a directory`],
    ];
    for (const [file, message] of cases) {
      const run = runExamples(['edges', file, '-o', join(dir, 'never.png')]);
      expect(run.status, file).toBe(1);
      expect(run.stderr).toContain(`error: ${message}`);
      expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
  });

  it('rejects bad kernels and options clearly', () => {
    const cases: [string[], string][] = [
      [['--kernel', '[1,'], "edges: --kernel: bad JSON '[1,'"],
      [['--kernel', '[[1],[1,2]]'], "edges: --kernel: rows have different lengths in '[[1],[1,2]]'"],
      [['--kernel', '[]'], 'edges: --kernel: expected a non-empty array of finite numbers or of rows'],
      [['--kernel', '["a"]'], 'edges: --kernel: expected a non-empty array of finite numbers or of rows'],
      [
        ['--kernel', 'sobel'],
        'edges: --kernel must be one of edge, sobel-x, sobel-y, diagonal-down, diagonal-up, laplacian, blur',
      ],
      [['--padding', 'full'], "edges: --padding must be 'same' or 'valid', got 'full'"],
    ];
    for (const [args, message] of cases) {
      const run = runExamples(['edges', 'sample', ...args, '-o', join(dir, 'never.png')]);
      expect(run.status, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(`error: ${message}`);
    }
    const noInput = runExamples(['edges', '--kernel', 'blur']);
    expect(noInput.status).toBe(1);
    expect(noInput.stderr).toContain("edges: --kernel needs an input image (or 'sample')");
  });
});
