import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ones, rand, tensor } from '@fovea/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Conv2d, functional as F, LazyConv2d, MSELoss, save } from '../src/index.js';

/** Issue 17's cases for @fovea/nn: each gives a clear error naming the function that failed. */

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;
const directory = mkdtempSync(join(tmpdir(), 'fovea-hostile-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('@fovea/nn under hostile input', () => {
  it('MSELoss on shapes that do not broadcast reports mse_loss', () => {
    expect(() => new MSELoss().forward(rand([2]), rand([3]))).toThrow(
      'mse_loss: cannot broadcast [2] with [3]',
    );
    expect(() => F.mseLoss(rand([2]), any([1, 2]))).toThrow(/^mse_loss: argument 'target' must be a Tensor/);
  });

  it('softmax(x, 5) reports softmax, not max', () => {
    expect(() => F.softmax(rand([3]), 5)).toThrow(
      'softmax: dimension 5 is out of range for a tensor with 1 dimensions',
    );
    expect(() => F.logSoftmax(rand([3]), any('a'))).toThrow(
      "log_softmax: argument 'dim' must be an integer, got string 'a'",
    );
  });

  it('Conv2d.forward of a plain array', () => {
    expect(() => new Conv2d(1, 1, 1).forward(any([[1]]))).toThrow(
      "Conv2d.forward: argument 'input' must be a Tensor, got an array of length 1",
    );
  });

  it("LazyConv2d's loadStateDict refuses a bias of the wrong length", () => {
    const lazy = new LazyConv2d(2, 3);
    const weight = rand([2, 1, 3, 3]);
    expect(() => lazy.loadStateDict({ weight, bias: rand([5]) })).toThrow(
      /size mismatch for bias: copying a param with shape \[5\] from checkpoint, the shape in current model is \[2\]/,
    );
    const ok = new LazyConv2d(2, 3);
    ok.loadStateDict({ weight, bias: tensor([1, 2]) });
    expect(ok.forward(ones([1, 1, 3, 3])).shape).toEqual([1, 2, 1, 1]);
  });

  it('save() into a missing folder names the path given, not the temporary file', () => {
    const path = join(directory, 'missing', 'model.safetensors');
    expect(() => save({ w: ones([1]) }, path)).toThrow(
      `save: cannot write ${path}: the folder ${join(directory, 'missing')} does not exist (ENOENT)`,
    );
    expect(() => save({ w: ones([1]) }, any(undefined))).toThrow(
      "save: argument 'path' must be a non-empty string, got undefined",
    );
    expect(readdirSync(directory)).toEqual([]);
  });
});
