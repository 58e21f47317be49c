import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PNG } from 'pngjs';
import { CliError } from './cli.js';

/** A grayscale image, row-major, values in [0, 1]. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function readBytes(path: string, where: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliError(`${where}: cannot read '${path}': ${reason}`);
  }
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's 'L'), in [0, 1], from 8-bit pixels of `channels` >= 3. */
export function luma(data: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const p = channels * i;
    pixels[i] = (0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]) / 255;
  }
  return pixels;
}

/** Reads a PNG and converts it to luma (BT.601). */
export function readGrayscalePng(path: string, where = 'read PNG'): GrayImage {
  const bytes = readBytes(path, where);
  if (!isPng(bytes)) {
    throw new CliError(`${where}: '${path}' is not a PNG file (it does not start with the PNG signature)`);
  }
  return decodePng(bytes, path, where);
}

/** Decodes PNG bytes to luma (BT.601); `path` and `where` name them in errors. */
export function decodePng(bytes: Buffer, path: string, where: string): GrayImage {
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new CliError(
      `${where}: '${path}' is not a readable PNG (truncated or corrupt): ${(error as Error).message}`,
    );
  }
  const { width, height, data } = png;
  return { width, height, pixels: luma(data, width, height, 4) };
}

/** Writes RGBA bytes as a PNG, grayscale (colour type 0) when `gray`, creating the folder. */
export function writePng(path: string, width: number, height: number, rgba: Uint8Array, gray = false): void {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png, gray ? { colorType: 0 } : { colorType: 6 }));
}

/** Writes 8-bit gray levels (row-major) as a grayscale PNG. */
export function writeGrayscalePng(path: string, width: number, height: number, levels: Uint8Array): void {
  const rgba = new Uint8Array(4 * width * height);
  for (let i = 0; i < levels.length; i++) {
    rgba.fill(levels[i], 4 * i, 4 * i + 3);
    rgba[4 * i + 3] = 255;
  }
  writePng(path, width, height, rgba, true);
}

/** The smallest and largest value (a loop: spreading a large image into Math.min overflows the stack). */
export function valueRange(values: ArrayLike<number>): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return [min, max];
}

/** Maps values linearly onto 0..255 (min -> 0, max -> 255); a constant map is all 0. */
export function toGrayLevels(values: ArrayLike<number>): Uint8Array {
  const [min, max] = valueRange(values);
  const levels = new Uint8Array(values.length);
  if (!(max > min)) return levels;
  for (let i = 0; i < values.length; i++) levels[i] = Math.round((255 * (values[i] - min)) / (max - min));
  return levels;
}
