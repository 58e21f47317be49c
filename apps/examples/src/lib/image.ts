import sharp from 'sharp';
import { CliError } from './cli.js';
import { decodePng, type GrayImage, isPng, luma, readBytes } from './png.js';

const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const ascii = (b: Uint8Array, start: number, end: number) => String.fromCharCode(...b.subarray(start, end));
const isWebp = (b: Uint8Array) => b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP';

/**
 * Reads a PNG, JPEG or WebP photo as luma in [0, 1] (BT.601, as PIL's 'L'). PNG goes through
 * pngjs; JPEG and WebP through sharp (libvips), turned upright by their EXIF orientation as a
 * photo viewer shows them. The format is told by the file's first bytes, not its name.
 */
export async function readGrayscaleImage(path: string, where: string): Promise<GrayImage> {
  const bytes = readBytes(path, where);
  if (isPng(bytes)) return decodePng(bytes, path, where);
  const format = isJpeg(bytes) ? 'JPEG' : isWebp(bytes) ? 'WebP' : undefined;
  if (format === undefined) {
    throw new CliError(
      `${where}: '${path}' is not a PNG, JPEG or WebP file (its first bytes match none of them)`,
    );
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width: info.width,
      height: info.height,
      pixels: luma(data, info.width, info.height, info.channels),
    };
  } catch (error) {
    throw new CliError(
      `${where}: '${path}' is not a readable ${format} (truncated or corrupt): ${(error as Error).message}`,
    );
  }
}

/**
 * The image scaled to `size` x `size` (Lanczos, aspect kept, the margins filled with the colour
 * of the image's border), for a classifier trained on small square images.
 */
export async function fitSquare(image: GrayImage, size: number, background: number): Promise<Float32Array> {
  const levels = Buffer.from(Uint8Array.from(image.pixels, (v) => Math.round(v * 255)));
  const level = Math.round(background * 255);
  const { data } = await sharp(levels, { raw: { width: image.width, height: image.height, channels: 1 } })
    .resize(size, size, { fit: 'contain', background: { r: level, g: level, b: level }, kernel: 'lanczos3' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Float32Array.from(data, (v) => v / 255);
}

/** The mean value of the image's outermost pixels: its background, for most photos of one object. */
export function borderMean({ width, height, pixels }: GrayImage): number {
  let sum = 0;
  let count = 0;
  for (let x = 0; x < width; x++) {
    sum += pixels[x] + pixels[(height - 1) * width + x];
    count += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += pixels[y * width] + pixels[y * width + width - 1];
    count += 2;
  }
  return count === 0 ? 0 : sum / count;
}
