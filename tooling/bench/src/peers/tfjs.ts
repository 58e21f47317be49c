import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { fromHWIO, fromNHWC, toHWIO, toNHWC } from '../data.js';
import { geometry, type Pass, type Workload } from '../workloads.js';
import type { Peer, Runner } from './peer.js';

/**
 * TensorFlow.js with its pure-JavaScript ('cpu') or WebAssembly ('wasm', XNNPACK with SIMD)
 * backend, NHWC. Forward and both gradients are the kernels its conv2d gradient dispatches,
 * called through `tf.engine().runKernel`; the wasm backend has no Conv2DBackpropFilter and no
 * depthwise input gradient, which is reported as unsupported.
 */

let silenced = false;

export async function use(backend: 'cpu' | 'wasm'): Promise<void> {
  if (!silenced) {
    // Production mode: no debug checks, and no advice to install tfjs-node (which cannot be
    // installed here).
    tf.env().set('PROD', true);
    silenced = true;
  }
  if (tf.getBackend() !== backend) {
    if (!(await tf.setBackend(backend)))
      throw new Error(`TensorFlow.js backend '${backend}' failed to start`);
  }
  await tf.ready();
}

/** Whether the backend registers the kernel this pass needs. */
function kernelName(w: Workload, pass: Pass): string {
  const depthwise = w.groups > 1;
  if (pass === 'forward') return depthwise ? 'DepthwiseConv2dNative' : 'Conv2D';
  if (pass === 'dX') return depthwise ? 'DepthwiseConv2dNativeBackpropInput' : 'Conv2DBackpropInput';
  return depthwise ? 'DepthwiseConv2dNativeBackpropFilter' : 'Conv2DBackpropFilter';
}

export function tfjsPeer(backend: 'cpu' | 'wasm'): Peer {
  return {
    name: backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm-simd',
    threads: 1,
    mayReduceBatch: backend === 'cpu',
    supports(w, pass) {
      if (w.groups !== 1 && w.groups !== w.x[1]) return false;
      return tf.getKernel(kernelName(w, pass), backend) !== undefined;
    },
    async prepare(w, pass, batch, data) {
      await use(backend);
      const g = geometry(w, batch);
      const depthwise = w.groups > 1;
      const pad = w.padding === 0 ? 'valid' : 'same';
      if (w.padding !== 0 && 2 * w.padding !== g.kh - 1) throw new Error(`${w.name}: padding is not 'same'`);
      const strides: [number, number] = [w.stride, w.stride];
      const x = tf.tensor4d(toNHWC(data.x.subarray(0, batch * g.c * g.h * g.wd), batch, g.c, g.h, g.wd), [
        batch,
        g.h,
        g.wd,
        g.c,
      ]);
      // A depthwise filter [C, 1, kh, kw] is TensorFlow's [kh, kw, C, 1]: the same HWIO transpose
      // with the channel as "in" and 1 as "out".
      const filterShape: [number, number, number, number] = depthwise
        ? [g.kh, g.kw, g.c, 1]
        : [g.kh, g.kw, g.cg, g.o];
      const filter = tf.tensor4d(
        depthwise ? toHWIO(data.w, 1, g.c, g.kh, g.kw) : toHWIO(data.w, g.o, g.cg, g.kh, g.kw),
        filterShape,
      );
      const dy = tf.tensor4d(
        toNHWC(data.gy.subarray(0, batch * g.o * g.outH * g.outW), batch, g.o, g.outH, g.outW),
        [batch, g.outH, g.outW, g.o],
      );
      const name = kernelName(w, pass);
      const common = { strides, pad, dilations: [1, 1] as [number, number] };
      const call = (): tf.Tensor => {
        if (pass === 'forward') {
          return tf.engine().runKernel(name, { x, filter }, { ...common, dataFormat: 'NHWC' }) as tf.Tensor;
        }
        if (pass === 'dX') {
          return tf
            .engine()
            .runKernel(
              name,
              { dy, filter },
              { ...common, dataFormat: 'NHWC', inputShape: [batch, g.h, g.wd, g.c] },
            ) as tf.Tensor;
        }
        return tf
          .engine()
          .runKernel(name, { x, dy }, { ...common, dataFormat: 'NHWC', filterShape }) as tf.Tensor;
      };
      let last: Float32Array = new Float32Array(0);
      const runner: Runner = {
        run() {
          const t = call();
          last = t.dataSync() as Float32Array;
          t.dispose();
        },
        result() {
          if (pass === 'forward') return fromNHWC(last, batch, g.o, g.outH, g.outW);
          if (pass === 'dX') return fromNHWC(last, batch, g.c, g.h, g.wd);
          return depthwise ? fromHWIO(last, 1, g.c, g.kh, g.kw) : fromHWIO(last, g.o, g.cg, g.kh, g.kw);
        },
        dispose() {
          x.dispose();
          filter.dispose();
          dy.dispose();
        },
      };
      return runner;
    },
  };
}

/** The chapter's op through TensorFlow.js's public API: tf.conv2d on [1, 6, 8, 1], read back. */
export async function tfjsChapterOp(): Promise<() => void> {
  await use('cpu');
  const img = new Float32Array(48).fill(1);
  for (let i = 0; i < 6; i++) img.fill(0, i * 8 + 2, i * 8 + 6);
  const x = tf.tensor4d(img, [1, 6, 8, 1]);
  const k = tf.tensor4d([1, -1], [1, 2, 1, 1]);
  return () => {
    const y = tf.conv2d(x, k, 1, 'valid');
    y.dataSync();
    y.dispose();
  };
}
