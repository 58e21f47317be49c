// Bundled by chromium.test.ts for a page: runs WGSL kernels on navigator.gpu for the test.
import type { Conv2dParams } from '../../../src/kernels/conv2d-geometry.js';
import { conv2dForward, gemm, WebGpu } from '../../../src/webgpu/index.js';

export interface PageApi {
  adapter(): Promise<{ architecture: string; source: string; isSoftware: boolean }>;
  conv2d(
    x: number[],
    xShape: number[],
    w: number[],
    wShape: number[],
    params: Conv2dParams,
  ): Promise<number[]>;
  matmul(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    a: number[],
    b: number[],
  ): Promise<number[]>;
}

let device: Promise<WebGpu> | null = null;
const gpu = () => {
  device ??= WebGpu.create();
  return device;
};

const api: PageApi = {
  async adapter() {
    const { architecture, source, isSoftware } = (await gpu()).adapter;
    return { architecture, source, isSoftware };
  },
  async conv2d(x, xShape, w, wShape, params) {
    const g = await gpu();
    const { out } = conv2dForward(
      g.upload(Float32Array.from(x)),
      xShape,
      g.upload(Float32Array.from(w)),
      wShape,
      null,
      params,
    );
    return Array.from(await out.read());
  },
  async matmul(transA, transB, M, N, K, a, b) {
    const g = await gpu();
    const c = g.zeros(M * N);
    gemm(
      transA,
      transB,
      M,
      N,
      K,
      1,
      g.upload(Float32Array.from(a)),
      0,
      transA ? M : K,
      g.upload(Float32Array.from(b)),
      0,
      transB ? K : N,
      0,
      c,
      0,
      N,
    );
    return Array.from(await c.read());
  },
};

(globalThis as { fovea?: PageApi }).fovea = api;
