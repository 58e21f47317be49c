import { MAXIMUM_PAGES } from './abi.generated.js';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from './binary.generated.js';
import { compiles, environmentValue } from './node.js';
import { withSharedMemory } from './shared-memory.js';

/**
 * The embedded WebAssembly kernels, decoded. Only the WebAssembly conv2d and pooling kernels and
 * `setBackend`/`getBackend` reach this (through backend.ts's `loadEmbeddedWasm`), so a program
 * that uses none of them, and is bundled with tree-shaking, does not carry the binary.
 *
 * Two builds of the same sources are embedded: the relaxed-SIMD one, whose conv kernels fuse
 * their GEMM's multiply-adds (assembly/gemm.ts, `madd`: about 1.2x the products per second
 * here), is taken wherever the runtime compiles it (Chrome 114, Node 22 and later; Node 16 to
 * 20 with its flag set for the compile, wasm/node.ts), else the plain SIMD one. In Node,
 * FOVEA_RELAXED_SIMD=0 keeps the plain build, whose results are the same bits as the reference
 * kernels' on every machine (the test suites run so).
 */
export function embeddedBinary(shared: boolean): Uint8Array<ArrayBuffer> {
  const bytes = preferredBuild();
  return shared ? withSharedMemory(bytes, MAXIMUM_PAGES) : bytes;
}

function preferredBuild(): Uint8Array<ArrayBuffer> {
  if (environmentValue('FOVEA_RELAXED_SIMD') !== '0') {
    const relaxed = decode(WASM_RELAXED_BASE64);
    if (compiles(relaxed)) return relaxed;
  }
  return decode(WASM_BASE64);
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
