import { readFileSync } from 'node:fs';
import { type GoldenTensor, goldenPath, loadGolden } from '@fovea/golden';
import { Tensor } from '@fovea/tensor';

export interface OnnxGoldenCase {
  name: string;
  file: string;
  opset: number;
  input: GoldenTensor;
  logits: GoldenTensor;
  target?: number[];
  loss?: number;
  grads?: Record<string, GoldenTensor>;
}

/** The PyTorch-exported models of tooling/golden/data/onnx, made by make/onnx_models.py. */
export const onnxGolden = loadGolden<{ cases: OnnxGoldenCase[] }>('onnx_models.json').cases;

export function goldenCase(name: string): OnnxGoldenCase {
  const found = onnxGolden.find((c) => c.name === name);
  if (found === undefined) throw new Error(`onnx_models.json has no case '${name}'`);
  return found;
}

export function modelBytes(c: OnnxGoldenCase): Uint8Array {
  return new Uint8Array(readFileSync(goldenPath(c.file)));
}

export function fromGolden(t: GoldenTensor): Tensor {
  return Tensor.fromArray(Float32Array.from(t.data), t.shape, 'float32');
}

/** The largest |a - b| / (atol + rtol |b|); <= 1 means within tolerance. */
export function worstRatio(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i])));
  }
  return worst;
}
