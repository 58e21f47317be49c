import { argumentError } from '@fovea/tensor';
/** gzip's two magic bytes (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array)) throw argumentError('isGzip', 'bytes', 'a Uint8Array', bytes);
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The bytes, gunzipped when they are gzip-compressed (unchanged otherwise), through the
 * platform's `DecompressionStream` (browsers, Node 18+, Deno): the way to read the original
 * `.gz` files where `readIdx` cannot decompress synchronously.
 */
export async function decompress(bytes: Uint8Array): Promise<Uint8Array> {
  if (!(bytes instanceof Uint8Array)) throw argumentError('decompress', 'bytes', 'a Uint8Array', bytes);
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream === 'undefined') {
    throw new Error('decompress: this platform has no DecompressionStream to gunzip with');
  }
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream('gzip'));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new Error(`decompress: corrupt gzip data (${(error as Error).message})`);
  }
}
