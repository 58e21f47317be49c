import {
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
  type GpuArray,
  type WebGpu,
} from '@fovea/tensor/webgpu';
import { geometry, type Pass, type Workload } from '../workloads.js';
import type { Peer, Runner } from './peer.js';

/**
 * Fovea's WGSL conv2d kernels on whatever adapter `WebGpu.create()` found. Inputs are uploaded
 * once; a call dispatches and reads the result back (PEERS.md: results forced).
 */
export function webgpuPeer(gpu: WebGpu): Peer {
  return {
    name: 'fovea-webgpu',
    threads: 0,
    mayReduceBatch: true,
    supports: () => true,
    async prepare(w: Workload, pass: Pass, batch: number, data) {
      const g = geometry(w, batch);
      const xShape = [batch, g.c, g.h, g.wd];
      const wShape = [...w.w];
      const gyShape = [batch, g.o, g.outH, g.outW];
      const x = gpu.upload(data.x.subarray(0, batch * g.c * g.h * g.wd));
      const weight = gpu.upload(data.w);
      const gy = gpu.upload(data.gy.subarray(0, batch * g.o * g.outH * g.outW));
      const p = w.padding;
      const params = {
        stride: [w.stride, w.stride] as const,
        padding: [p, p, p, p] as const,
        dilation: [1, 1] as const,
        groups: w.groups,
      };
      const launch: () => GpuArray =
        pass === 'forward'
          ? () => conv2dForward(x, xShape, weight, wShape, null, params).out
          : pass === 'dX'
            ? () => conv2dBackwardInput(gy, gyShape, weight, wShape, xShape, params)
            : () => conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params);
      let last: Float32Array = new Float32Array(0);
      const runner: Runner = {
        run: async () => {
          const out = launch();
          last = (await out.read()) as Float32Array;
          out.destroy();
        },
        result: () => last,
        dispose: () => {
          for (const array of [x, weight, gy]) array.destroy();
        },
      };
      return runner;
    },
  };
}
