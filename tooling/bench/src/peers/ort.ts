import * as ort from 'onnxruntime-node';
import { geometry } from '../workloads.js';
import { convModel } from './onnx-model.js';
import type { Peer, Runner } from './peer.js';

/** onnxruntime-node (CPU, MLAS) running a one-node Conv model, forward only, at a thread count. */
export function ortPeer(threads: number): Peer {
  return {
    name: `ort-t${threads}`,
    threads,
    mayReduceBatch: false,
    supports: (_w, pass) => pass === 'forward',
    async prepare(w, _pass, batch, data) {
      const g = geometry(w, batch);
      const session = await ort.InferenceSession.create(
        convModel({
          channels: g.c,
          height: g.h,
          width: g.wd,
          weight: data.w,
          weightShape: [...w.w] as [number, number, number, number],
          padding: w.padding,
          stride: w.stride,
          groups: w.groups,
        }),
        {
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
        },
      );
      const input = new ort.Tensor('float32', data.x.subarray(0, batch * g.c * g.h * g.wd), [
        batch,
        g.c,
        g.h,
        g.wd,
      ]);
      let last: Float32Array = new Float32Array(0);
      const runner: Runner = {
        async run() {
          const out = await session.run({ X: input });
          last = out.Y.data as Float32Array;
        },
        result: () => last,
        dispose: () => void session.release(),
      };
      return runner;
    },
  };
}
