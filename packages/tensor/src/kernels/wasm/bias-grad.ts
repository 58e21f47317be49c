import { wasmRuntime } from '../backend.js';
import type { conv2dBackwardBias } from '../conv2d.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { blockAt } from './blocks.js';
import { limits } from './limits.js';

/**
 * The 'wasm' bias gradient of conv2d (assembly/bias-grad.ts): float32 gy [N, O, H, W] of at
 * least `limits.minElementwise` elements, once the module is loaded (the reference computes the
 * same bits, so which one runs never shows); every other call, and every invalid one, is
 * declined to the reference, which reports the error.
 *
 * gy goes through WebAssembly memory a few samples at a time, each block summed while it is
 * still in cache; the running sums stay in the module's memory between blocks, so the order of
 * the additions is the reference's whatever the block size.
 */

interface BiasGradExports {
  biasGradSums(gy: number, sums: number, batch: number, channels: number, plane: number): void;
}

/** Floats per block of samples: 64 KB, in the first- or second-level cache of this machine's cores. */
const BLOCK_FLOATS = 16384;

export const wasmConv2dBackwardBias: BackendKernel<typeof conv2dBackwardBias> = (gy, gyShape, out) => {
  if (!(gy instanceof Float32Array) || gy.length < limits.minElementwise || gyShape.length !== 4) {
    return DECLINED;
  }
  const [batch, channels, outH, outW] = gyShape;
  const plane = outH * outW;
  if (batch * channels * plane !== gy.length || (out !== undefined && out.length !== channels)) {
    return DECLINED;
  }
  const rt = wasmRuntime();
  if (rt === null) return DECLINED;
  const exports = rt.exports as unknown as BiasGradExports;
  const sample = channels * plane;
  const samplesPerBlock = Math.max(1, Math.min(batch, Math.floor(BLOCK_FLOATS / sample)));
  try {
    const sums = rt.alloc(channels * 32);
    new Float64Array(rt.memory.buffer, sums, channels * 4).fill(0);
    // gy is read where the memory still holds it from the call that made it (resident-ring.ts).
    const held = rt.held(gy);
    const block = held >= 0 ? -1 : rt.alloc(samplesPerBlock * sample * 4);
    for (let n = 0; n < batch; n += samplesPerBlock) {
      const samples = Math.min(samplesPerBlock, batch - n);
      const at = blockAt(rt, gy as Float32Array, held, block, n * sample, samples * sample);
      exports.biasGradSums(at, sums, samples, channels, plane);
    }
    const s = new Float64Array(rt.memory.buffer, sums, channels * 4);
    const gb = (out ?? new Float32Array(channels)) as typeof gy;
    for (let o = 0; o < channels; o++) {
      gb[o] = s[4 * o] + s[4 * o + 1] + (s[4 * o + 2] + s[4 * o + 3]);
    }
    rt.calls++;
    return gb;
  } finally {
    rt.reset();
  }
};
