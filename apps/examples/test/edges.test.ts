import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
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

  it('names the file when it is missing, not a PNG, truncated or a folder', () => {
    const missing = join(dir, 'missing.png');
    const notPng = join(dir, 'text.png');
    writeFileSync(notPng, 'this is not an image\n');
    const truncated = join(dir, 'truncated.png');
    writeFileSync(truncated, readFileSync(SAMPLE).subarray(0, 100));
    const folder = join(dir, 'folder.png');
    mkdirSync(folder);
    const cases: [string, string][] = [
      [missing, `edges: cannot read '${missing}': no such file`],
      [notPng, `edges: '${notPng}' is not a PNG file (it does not start with the PNG signature)`],
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
    expect(noInput.stderr).toContain("edges: --kernel needs an input PNG (or 'sample')");
  });
});
