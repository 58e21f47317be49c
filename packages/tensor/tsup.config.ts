import { defineConfig } from 'tsup';

export default defineConfig({
  // The WebGPU kernels are a separate entry (`@fovea/tensor/webgpu`), so programs that never
  // use them do not bundle them; the `webgpu` package they load in Node stays external.
  entry: { index: 'src/index.ts', webgpu: 'src/webgpu/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['webgpu'],
});
