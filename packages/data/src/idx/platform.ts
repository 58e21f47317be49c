/**
 * What reading datasets needs from the platform beyond JavaScript itself. Node's entry point
 * fills it (zlib, fs, path); the browser's leaves it empty, so its bundle has no Node imports.
 */
export interface Platform {
  /** Decompresses gzip bytes synchronously. */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
  /** A file's bytes, or which of the path's parts is missing. Other failures throw. */
  readFile?: (path: string) => Uint8Array | 'missing-file' | 'missing-directory';
  join?: (...parts: string[]) => string;
}
