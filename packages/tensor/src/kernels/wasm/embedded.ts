import { MAXIMUM_PAGES } from './abi.generated.js';
import { WASM_BASE64 } from './binary.generated.js';
import { withSharedMemory } from './shared-memory.js';

/**
 * The embedded WebAssembly kernels, decoded. Only the WebAssembly conv2d and pooling kernels and
 * `setBackend`/`getBackend` reach this (through backend.ts's `loadEmbeddedWasm`), so a program
 * that uses none of them, and is bundled with tree-shaking, does not carry the binary.
 */
export function embeddedBinary(shared: boolean): Uint8Array<ArrayBuffer> {
  const binary = atob(WASM_BASE64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return shared ? withSharedMemory(bytes, MAXIMUM_PAGES) : bytes;
}
