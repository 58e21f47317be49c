import type { Tensor } from '@fovea/tensor';
import * as ort from 'onnxruntime-node';

/** Runs ONNX bytes in onnxruntime-node's CPU build on one float32 input; returns the first output. */
export async function runInOnnxRuntime(
  bytes: Uint8Array,
  input: Tensor,
  names = { input: 'input', output: 'output' },
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feed = new ort.Tensor('float32', Float32Array.from(input.dataSync() as Float32Array), [
      ...input.shape,
    ]);
    const result = await session.run({ [names.input]: feed });
    const out = result[names.output];
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}
