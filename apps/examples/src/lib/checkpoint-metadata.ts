import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The `__metadata__` strings of a safetensors file (its header: an 8-byte little-endian length,
 * then that much JSON), or {} when it has none or the header cannot be read; @fovea/nn's `load`
 * reports a broken file with the precise reason.
 */
export function safetensorsMetadata(path: string): Record<string, string> {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const prefix = Buffer.alloc(8);
    if (readSync(fd, prefix, 0, 8, 0) !== 8) return {};
    const length = Number(prefix.readBigUInt64LE(0));
    if (length > 1 << 20) return {};
    const header = Buffer.alloc(length);
    if (readSync(fd, header, 0, length, 8) !== length) return {};
    const metadata = (JSON.parse(header.toString('utf8')) as { __metadata__?: unknown }).__metadata__;
    return typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, string>) : {};
  } catch {
    return {};
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
