import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Platform } from '../idx/platform.js';

function readFile(path: string): Uint8Array | 'missing-file' | 'missing-directory' {
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) return 'missing-directory';
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing-file';
    const reason =
      code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder'
          : (error as Error).message;
    throw new Error(`cannot read '${path}': ${reason}`);
  }
}

export const nodePlatform: Platform = {
  gunzip: (bytes) => new Uint8Array(gunzipSync(bytes)),
  readFile,
  join,
};
