// Run by device.test.ts in a process without a Vulkan driver: prints the error WebGpu.create() throws.
import { WebGpu } from '../../src/webgpu/index.js';

try {
  await WebGpu.create();
  console.log('found an adapter');
} catch (error) {
  console.log((error as Error).message);
}
