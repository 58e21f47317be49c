// Run by backend.test.ts in a process without a Vulkan driver: selects 'wasm', then asks for
// 'webgpu' and prints the error and the backend in effect afterwards.
import { getBackend, setBackend } from '../../src/index.js';

setBackend('wasm');
try {
  await setBackend('webgpu');
  console.log('found an adapter');
} catch (error) {
  console.log((error as Error).message);
}
console.log(`backend after: ${getBackend()}`);
