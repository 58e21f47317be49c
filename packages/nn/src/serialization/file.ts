// Node-only file I/O for checkpoints; everything else in this folder also runs in a browser.
import { constants as bufferConstants } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserializeRaw } from './deserialize.js';
import { SafetensorsError } from './errors.js';
import type { SafetensorsContents } from './raw-tensor.js';

// Long enough to be readable, short enough that the temporary name stays under the usual
// 255-byte limit on a file name.
const MAX_BASENAME_IN_TEMP = 100;

function temporaryPath(path: string): string {
  const base = basename(path).slice(0, MAX_BASENAME_IN_TEMP);
  return join(dirname(path), `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already failing: the first error is the one to report.
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Never created, or already gone.
  }
}

// Makes the rename itself durable. Some platforms (Windows) cannot open or fsync a directory;
// the rename is atomic there all the same, so this is best effort.
function syncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // best effort, see above
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
}

/**
 * Why `path` could not be written, named after `op`: the user gave `path`, not the hidden
 * temporary name a system error quotes (`ENOSPC: no space left on device, write`).
 */
function cannotWrite(op: string, path: string, error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOENT'
      ? `the folder ${dirname(path)} does not exist (ENOENT)`
      : code === 'EISDIR'
        ? 'it is a folder (EISDIR)'
        : typeof code === 'string'
          ? code
          : (error as Error).message;
  return new Error(`${op}: cannot write ${path}: ${why}`, { cause: error });
}

/**
 * Writes `bytes` to `path` so that a reader sees either the old file or the whole new one, never
 * part of it: the bytes go to a temporary file in the same directory, which is fsynced, then
 * renamed over `path`. On any failure the temporary file is removed, `path` is left as it was,
 * and the error says why, naming `op` and `path`.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, op = 'writeFileAtomic'): void {
  const temporary = temporaryPath(path);
  let fd: number | undefined;
  try {
    // 'wx' fails rather than follow or reuse anything already at the temporary name.
    fd = openSync(temporary, 'wx', 0o666);
  } catch (error) {
    throw cannotWrite(op, path, error);
  }
  try {
    let written = 0;
    while (written < bytes.length) {
      const count = writeSync(fd, bytes, written, bytes.length - written);
      if (count <= 0) throw new Error('writing made no progress');
      written += count;
    }
    fsyncSync(fd);
    const open = fd;
    fd = undefined;
    closeSync(open);
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    removeQuietly(temporary);
    throw cannotWrite(op, path, error);
  }
  syncDirectory(dirname(path));
}

export interface ReadSafetensorsOptions {
  /** Largest file accepted, in bytes; defaults to the largest buffer this runtime can hold. */
  maxBytes?: number;
}

/**
 * Reads and parses a safetensors file. The size is checked before anything is allocated, and the
 * file must be a regular file; parse errors are `SafetensorsError`s, I/O errors are Node's.
 */
export function readSafetensorsFile(path: string, options: ReadSafetensorsOptions = {}): SafetensorsContents {
  const maxBytes = options.maxBytes ?? bufferConstants.MAX_LENGTH;
  // Non-blocking, so that a FIFO (or a device) is opened and refused below as not a regular file
  // instead of waiting forever for a writer; on a regular file the flag changes nothing.
  const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new SafetensorsError(`${path} is not a regular file`);
    if (stats.size > maxBytes) {
      throw new SafetensorsError(`${path} has ${stats.size} bytes, more than the ${maxBytes} allowed`);
    }
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const count = readSync(fd, bytes, filled, bytes.length - filled, filled);
      if (count === 0) {
        throw new SafetensorsError(
          `${path} ended after ${filled} of ${bytes.length} bytes; it changed while being read`,
        );
      }
      filled += count;
    }
    return deserializeRaw(bytes);
  } finally {
    closeSync(fd);
  }
}
