import * as autograd from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { enableGrad, isGradEnabled, noGrad, setGradEnabled, tensor } from '../src/index.js';

describe('grad mode from @fovea/tensor', () => {
  it('is the engine’s own functions, not copies', () => {
    expect(noGrad).toBe(autograd.noGrad);
    expect(enableGrad).toBe(autograd.enableGrad);
    expect(isGradEnabled).toBe(autograd.isGradEnabled);
    expect(setGradEnabled).toBe(autograd.setGradEnabled);
  });

  it('noGrad records no graph and returns what its function returns, as torch.no_grad', () => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const y = noGrad(() => w.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.toArray()).toEqual([2, 4, 6]);
    expect(isGradEnabled()).toBe(true);
  });

  it('enableGrad inside noGrad records again, and setGradEnabled switches until set back', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const inner = noGrad(() => enableGrad(() => w.mul(3)));
    expect(inner.requiresGrad).toBe(true);
    inner.sum().backward();
    expect(w.grad?.toArray()).toEqual([3, 3]);
    setGradEnabled(false);
    try {
      expect(isGradEnabled()).toBe(false);
      expect(w.mul(2).requiresGrad).toBe(false);
    } finally {
      setGradEnabled(true);
    }
    expect(w.mul(2).requiresGrad).toBe(true);
  });
});
