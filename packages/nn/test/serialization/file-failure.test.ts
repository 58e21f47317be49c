// Failures that a real disk produces rarely (a full disk, a failing fsync) are simulated by
// replacing node:fs functions for this file only.
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../src/serialization/file.js';

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    writeSync: vi.fn(actual.writeSync),
    fsyncSync: vi.fn(actual.fsyncSync),
    renameSync: vi.fn(actual.renameSync),
  };
});

const GOOD = 'the good checkpoint';
let directory: string;
let path: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'fovea-safetensors-failure-'));
  path = join(directory, 'model.safetensors');
  writeFileSync(path, GOOD);
});
afterEach(() => {
  vi.mocked(fs.writeSync).mockReset();
  vi.mocked(fs.fsyncSync).mockReset();
  vi.mocked(fs.renameSync).mockReset();
  rmSync(directory, { recursive: true, force: true });
});

function diskFull(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

describe('writeFileAtomic when the disk fails', () => {
  it('keeps the old file and removes the temporary file when a write fails midway', async () => {
    const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
    // The first call writes half the bytes; the second fails as a full disk does.
    vi.mocked(fs.writeSync)
      .mockImplementationOnce(((fd: number, buffer: Uint8Array, offset: number, length: number) =>
        actual.writeSync(fd, buffer, offset, Math.ceil(length / 2))) as typeof fs.writeSync)
      .mockImplementationOnce(() => {
        throw diskFull();
      });
    expect(() => writeFileAtomic(path, new Uint8Array(1000).fill(7))).toThrow(/ENOSPC/);
    expect(fs.writeSync).toHaveBeenCalledTimes(2);
    expect(readFileSync(path, 'utf8')).toBe(GOOD);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('keeps the old file when fsync fails', () => {
    vi.mocked(fs.fsyncSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    expect(() => writeFileAtomic(path, new Uint8Array(10))).toThrow(/EIO/);
    expect(readFileSync(path, 'utf8')).toBe(GOOD);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('keeps the old file when the rename fails', () => {
    vi.mocked(fs.renameSync).mockImplementationOnce(() => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted, rename'), { code: 'EXDEV' });
    });
    expect(() => writeFileAtomic(path, new Uint8Array(10))).toThrow(/EXDEV/);
    expect(readFileSync(path, 'utf8')).toBe(GOOD);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });

  it('never writes to the destination itself before the rename', () => {
    let seenDuringWrite = '';
    vi.mocked(fs.renameSync).mockImplementationOnce(((from: string, to: string) => {
      seenDuringWrite = readFileSync(to, 'utf8');
      throw new Error(`stopped before renaming ${from}`);
    }) as typeof fs.renameSync);
    expect(() => writeFileAtomic(path, new Uint8Array(10))).toThrow(/stopped before renaming/);
    expect(seenDuringWrite).toBe(GOOD);
    expect(readdirSync(directory)).toEqual(['model.safetensors']);
  });
});
