import { setNumThreads } from '@fovea/tensor';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../fovea-internals.js';
import { geometry, type Pass, type Workload } from '../workloads.js';
import type { Peer, Runner } from './peer.js';

/**
 * Fovea's conv2d kernels (WebAssembly SIMD) at a thread count, with the algorithm 'auto' picks or
 * a given one ('winograd2', 'winograd4' and 'winograd6': Winograd with 2 x 2, 4 x 4 or 6 x 6 output tiles).
 */
export function foveaPeer(
  threads: number,
  choice?: 'im2col' | 'direct' | 'winograd' | 'winograd2' | 'winograd4' | 'winograd6',
): Peer {
  const tiles = { winograd2: 2, winograd4: 4, winograd6: 6 } as const;
  const winogradTile =
    choice !== undefined && choice in tiles ? tiles[choice as keyof typeof tiles] : undefined;
  const algorithm =
    winogradTile === undefined ? (choice as 'im2col' | 'direct' | 'winograd' | undefined) : 'winograd';
  return {
    name: choice === undefined ? `fovea-t${threads}` : `fovea-t${threads}-${choice}`,
    threads,
    mayReduceBatch: false,
    supports: () => true,
    async prepare(w: Workload, pass: Pass, batch: number, data) {
      setNumThreads(threads);
      const g = geometry(w, batch);
      const xShape = [batch, g.c, g.h, g.wd];
      const wShape = [...w.w];
      const gyShape = [batch, g.o, g.outH, g.outW];
      const x = data.x.subarray(0, batch * g.c * g.h * g.wd);
      const gy = data.gy.subarray(0, batch * g.o * g.outH * g.outW);
      const p = w.padding;
      const params = {
        stride: [w.stride, w.stride] as const,
        padding: [p, p, p, p] as const,
        dilation: [1, 1] as const,
        groups: w.groups,
        algorithm,
        winogradTile,
      } as const;
      let last: Float32Array = new Float32Array(0);
      const run =
        pass === 'forward'
          ? () => {
              last = conv2dForward(x, xShape, data.w, wShape, null, params).out;
            }
          : pass === 'dX'
            ? () => {
                last = conv2dBackwardInput(gy, gyShape, data.w, wShape, xShape, params);
              }
            : () => {
                last = conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params);
              };
      const runner: Runner = {
        run: () => {
          setNumThreads(threads);
          run();
        },
        result: () => last,
        dispose: () => {},
      };
      return runner;
    },
  };
}
