import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSafetensorsFile, writeFileAtomic } from '../../src/serialization/file.js';
import { fromRaw, serializeRaw, toRaw } from '../../src/serialization/index.js';
import { expectSafetensorsError } from './helpers.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'fovea-safetensors-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function checkpoint(value: number): Uint8Array {
  return serializeRaw({ w: toRaw('F32', [2], new Float32Array([value, -value])) }, { format: 'pt' });
}

describe('writeFileAtomic', () => {
  it('creates a file and leaves no temporary file behind', () => {
    const path = join(directory, 'model.safetensors');
    writeFileAtomic(path, checkpoint(1));
    expect(new Uint8Array(readFileSync(path))).toEqual(checkpoint(1));
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('replaces an existing file', () => {
    const path = join(directory, 'model.safetensors');
    writeFileSync(path, 'an older, longer checkpoint that must disappear entirely');
    writeFileAtomic(path, checkpoint(2));
    expect(new Uint8Array(readFileSync(path))).toEqual(checkpoint(2));
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('writes empty and multi-megabyte files', () => {
    const empty = join(directory, 'empty.bin');
    writeFileAtomic(empty, new Uint8Array(0));
    expect(readFileSync(empty).length).toBe(0);
    const large = join(directory, 'large.bin');
    const bytes = new Uint8Array(3 * 1024 * 1024 + 5);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    writeFileAtomic(large, bytes);
    // Buffer#equals: a deep toEqual over millions of elements takes seconds.
    expect(readFileSync(large).equals(bytes)).toBe(true);
  });

  it('fails without leaving a temporary file when the destination is a directory', () => {
    const path = join(directory, 'model.safetensors');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    expect(() => writeFileAtomic(path, checkpoint(3))).toThrow();
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
    expect(readFileSync(join(path, 'inside'), 'utf8')).toBe('kept');
  });

  it('fails cleanly when the directory does not exist', () => {
    expect(() => writeFileAtomic(join(directory, 'missing', 'model.safetensors'), checkpoint(4))).toThrow(
      /ENOENT/,
    );
    expect(readdirSync(directory)).toEqual([]);
  });

  it('keeps the temporary name short for very long file names', () => {
    const path = join(directory, `${'m'.repeat(240)}.st`);
    writeFileAtomic(path, checkpoint(5));
    expect(readdirSync(directory)).toEqual([`${'m'.repeat(240)}.st`]);
  });
});

describe('readSafetensorsFile', () => {
  it('reads what writeFileAtomic wrote', () => {
    const path = join(directory, 'model.safetensors');
    writeFileAtomic(path, checkpoint(6));
    const { tensors, metadata } = readSafetensorsFile(path);
    expect({ ...metadata }).toEqual({ format: 'pt' });
    expect(fromRaw(tensors.get('w')!).values).toEqual(new Float32Array([6, -6]));
  });

  it('rejects files above the size limit before reading them', () => {
    const path = join(directory, 'model.safetensors');
    writeFileAtomic(path, checkpoint(7));
    expectSafetensorsError(
      () => readSafetensorsFile(path, { maxBytes: 16 }),
      /model\.safetensors has \d+ bytes, more than the 16 allowed/,
    );
  });

  it('rejects directories and malformed files with a SafetensorsError', () => {
    expectSafetensorsError(() => readSafetensorsFile(directory), /is not a regular file/);
    const path = join(directory, 'short.safetensors');
    writeFileSync(path, Uint8Array.from([1, 2, 3]));
    expectSafetensorsError(
      () => readSafetensorsFile(path),
      /file has 3 bytes, fewer than the 8-byte header length/,
    );
  });

  it('passes I/O errors through', () => {
    expect(() => readSafetensorsFile(join(directory, 'absent.safetensors'))).toThrow(/ENOENT/);
  });
});
