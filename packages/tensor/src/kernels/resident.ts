/**
 * Host arrays of which a backend keeps a second copy (the 'wasm' backend keeps recent results
 * and inputs in its memory, wasm/resident-ring.ts, so that the next kernel reads them without
 * copying them in again). Every write into a host array outside a kernel's result goes through
 * `Storage.markWritten`, which calls `hostWritten` here, and the backend drops its copy: the
 * host array is always the data, the copy only a cache of it. This module loads nothing, so
 * the in-place ops do not pull the WebAssembly kernels into a program.
 */

let forget: ((array: object) => void) | null = null;

/** @internal Called by the backend that keeps copies, once it has one. */
export function onHostWritten(drop: (array: object) => void): void {
  forget = drop;
}

/** `array` was written in place: a copy of it elsewhere is stale. */
export function hostWritten(array: object | null): void {
  if (array !== null && forget !== null) forget(array);
}
