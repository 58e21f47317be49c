import { argumentError, describe } from '@fovea/tensor';
import type { RGBAImage } from './render.js';

let crcTable: Uint32Array | null = null;

/** CRC-32 (ISO 3309) over `bytes`, as PNG chunks carry it. */
function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * An RGBA image as a PNG file (8 bits per channel, no filtering), its pixels in a zlib stream of
 * stored (uncompressed) deflate blocks: no compressor needed, in Node or a browser. Heat maps are
 * small; write them with `fs.writeFileSync('erf.png', encodePNG(heatmapToRGBA(heatmap)))`.
 *
 * @param image - Row-major RGBA bytes with their width and height.
 * @returns The bytes of a PNG file.
 */
export function encodePNG(image: RGBAImage): Uint8Array {
  if (typeof image !== 'object' || image === null) {
    throw argumentError('encodePNG', 'image', 'an RGBA image { width, height, data }', image);
  }
  const { width, height } = image;
  const data: unknown = image.data;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `encodePNG: expected a positive integer width and height, got ${describe(width)} x ${describe(height)}`,
    );
  }
  if (!(data instanceof Uint8ClampedArray || data instanceof Uint8Array)) {
    throw argumentError('encodePNG', 'image.data', 'a Uint8ClampedArray of RGBA bytes', data);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `encodePNG: expected ${width * height * 4} bytes for ${width} x ${height} RGBA, got ${data.length}`,
    );
  }
  // Scanlines, each after a filter-type byte 0 (none).
  const rowBytes = width * 4 + 1;
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++)
    raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * rowBytes + 1);
  // zlib (RFC 1950) around deflate (RFC 1951) stored blocks of at most 65535 bytes.
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const zlib = new Uint8Array(2 + raw.length + blocks * 5 + 4);
  zlib[0] = 0x78;
  zlib[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, raw.length - start);
    zlib[at++] = b === blocks - 1 ? 1 : 0;
    zlib[at++] = len & 0xff;
    zlib[at++] = len >>> 8;
    zlib[at++] = ~len & 0xff;
    zlib[at++] = (~len >>> 8) & 0xff;
    zlib.set(raw.subarray(start, start + len), at);
    at += len;
  }
  let a = 1;
  let s = 0;
  for (let i = 0; i < raw.length; i++) {
    a = (a + raw[i]) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(zlib.buffer).setUint32(at, ((s << 16) | a) >>> 0);

  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const chunks: [string, Uint8Array][] = [
    ['IHDR', header],
    ['IDAT', zlib],
    ['IEND', new Uint8Array(0)],
  ];
  const size = 8 + chunks.reduce((n, [, body]) => n + 12 + body.length, 0);
  const png = new Uint8Array(size);
  const view = new DataView(png.buffer);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let p = 8;
  for (const [type, body] of chunks) {
    view.setUint32(p, body.length);
    for (let i = 0; i < 4; i++) png[p + 4 + i] = type.charCodeAt(i);
    png.set(body, p + 8);
    view.setUint32(p + 8 + body.length, crc32(png, p + 4, p + 8 + body.length));
    p += 12 + body.length;
  }
  return png;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648), for data URIs; works without Buffer or btoa. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64[(n >> 18) & 63] + BASE64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? BASE64[n & 63] : '=';
  }
  return out;
}
