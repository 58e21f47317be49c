import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOnnx } from '@fovea/onnx';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runExamples, tempDir } from './helpers/run.js';

describe('onnx', () => {
  let dir: string;
  let run: RunResult;
  beforeAll(() => {
    dir = tempDir('onnx');
    run = runExamples(['onnx', '--steps', '40', '--tune-steps', '3', '--out', dir]);
  });

  it("exports a LeNet trained on Fashion-MNIST, which onnxruntime-node runs with Fovea's logits", () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const file = join(dir, 'lenet.onnx');
    expect(existsSync(file)).toBe(true);
    const difference = run.stdout.match(
      /^onnxruntime-node vs Fovea: largest \|difference\| of the logits (\S+)$/m,
    );
    expect(Number(difference?.[1])).toBeLessThanOrEqual(1e-4);
    expect(run.stdout).toMatch(/^LeNet \(ReLU, max pooling\) trained for 40 steps of 32 images/m);
    const accuracy = run.stdout.match(/^Fovea accuracy on 256 test images: (\S+)%$/m);
    expect(Number(accuracy?.[1])).toBeGreaterThan(50);
    const lenet = importOnnx(new Uint8Array(readFileSync(file)));
    expect(lenet.namedParameters().map(([name]) => name)).toContain('11.bias');
  });

  it('imports the PyTorch-exported CNN and fine-tunes it, its loss falling', () => {
    const line = run.stdout.match(/^loss on a fixed batch: (.*)$/m);
    const losses = line![1].split(' -> ').map(Number);
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0]);
    expect(run.stdout).toMatch(/^20 parameters \(\d+ weights\): conv1\.weight, bn1\.weight/m);
  });

  it('exports the checkpoint `pnpm examples lenet` saved, with its architecture', () => {
    const trained = tempDir('onnx-lenet');
    const lenetRun = runExamples([
      'lenet',
      '--epochs',
      '1',
      '--train-images',
      '256',
      '--test-images',
      '64',
      '--activation',
      'relu',
      '--out',
      trained,
    ]);
    expect(lenetRun.status).toBe(0);
    const out = tempDir('onnx-checkpoint');
    const checkpoint = join(trained, 'lenet.safetensors');
    const exported = runExamples(['onnx', '--checkpoint', checkpoint, '--tune-steps', '1', '--out', out]);
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain(`LeNet from ${checkpoint} (relu, avg pooling)`);
    const difference = exported.stdout.match(/largest \|difference\| of the logits (\S+)$/m);
    expect(Number(difference?.[1])).toBeLessThanOrEqual(1e-4);
    const missing = runExamples(['onnx', '--checkpoint', join(out, 'none.safetensors')]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('onnx: no checkpoint');
    const both = runExamples(['onnx', '--checkpoint', checkpoint, '--steps', '3']);
    expect(both.stderr).toContain('onnx: --steps trains a LeNet; --checkpoint exports a trained one instead');
  });
});
