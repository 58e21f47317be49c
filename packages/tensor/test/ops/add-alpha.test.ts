import { gradcheck } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { noGrad, type Tensor, tensor } from '../../src/index.js';
import { BACKENDS, randomFloats, useBackend } from '../wasm/setup.js';

/**
 * `add_(other, { alpha })`: the one-pass update (no autograd, contiguous, one float type) gives
 * the bits of `add_(other.mul(alpha))`, which is what every other case runs; with autograd the
 * gradient of other is alpha times the incoming one (float64 central differences).
 */

describe.each(BACKENDS)('add_ with alpha (%s)', (backend) => {
  useBackend(backend);

  it.each(['float32', 'float64'] as const)('%s: equals add_(other.mul(alpha)) bit for bit', (dtype) => {
    for (const n of [7, 5000]) {
      const p = tensor(randomFloats(3, n), { dtype });
      const g = tensor(randomFloats(4, n), { dtype });
      const fused = p.clone();
      const composed = p.clone();
      noGrad(() => {
        fused.add_(g, { alpha: -0.9 });
        composed.add_(g.mul(-0.9));
      });
      expect(fused.dataSync()).toEqual(composed.dataSync());
    }
  });

  it('a strided target and a broadcast operand take the general path', () => {
    const p = tensor(randomFloats(5, 12)).reshape([3, 4]);
    const expected = p.clone().add_(tensor([1, 2, 3, 4]).mul(0.5));
    expect(
      p
        .t()
        .add_(tensor([[1], [2], [3], [4]]), { alpha: 0.5 })
        .t()
        .dataSync(),
    ).toEqual(expected.dataSync());
  });

  it('bumps the version a backward checks and refuses a leaf that requires grad', () => {
    const w = tensor([1, 2, 3]).requiresGrad_();
    expect(() => w.add_(tensor([1, 1, 1]), { alpha: 2 })).toThrow(/leaf Variable that requires grad/);
    const version = w.storage.version;
    noGrad(() => w.add_(tensor([1, 1, 1]), { alpha: 2 }));
    expect(w.storage.version).toBe(version + 1);
    expect(Array.from(w.dataSync())).toEqual([3, 4, 5]);
  });

  it('names a bad alpha', () => {
    expect(() => tensor([1]).add_(tensor([1]), { alpha: '2' as unknown as number })).toThrow(
      "add_: argument 'alpha' must be a number",
    );
  });

  it('gradients flow through it with autograd (gradcheck)', () => {
    const x = tensor(randomFloats(6, 6), { dtype: 'float64' }).requiresGrad_();
    const y = tensor(randomFloats(7, 6), { dtype: 'float64' }).requiresGrad_();
    expect(gradcheck((a: Tensor, b: Tensor) => a.mul(1).add_(b, { alpha: 3 }), [x, y])).toBe(true);
  });
});
