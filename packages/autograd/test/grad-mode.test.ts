import { describe, expect, it } from 'vitest';
import { enableGrad, isGradEnabled, noGrad, setGradEnabled } from '../src/index.js';
import { param } from './value.js';

describe('grad mode', () => {
  it('is on by default', () => {
    expect(isGradEnabled()).toBe(true);
  });

  it('nests noGrad and enableGrad, restoring the outer mode at each exit', () => {
    const modes: boolean[] = [];
    noGrad(() => {
      modes.push(isGradEnabled());
      enableGrad(() => {
        modes.push(isGradEnabled());
        noGrad(() => modes.push(isGradEnabled()));
        modes.push(isGradEnabled());
      });
      modes.push(isGradEnabled());
    });
    modes.push(isGradEnabled());
    expect(modes).toEqual([false, true, false, true, false, true]);
  });

  it('passes the return value through', () => {
    expect(noGrad(() => 42)).toBe(42);
    expect(enableGrad(() => 'yes')).toBe('yes');
  });

  it('restores the mode when fn throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('inside noGrad');
      }),
    ).toThrow('inside noGrad');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(() =>
        enableGrad(() => {
          throw new Error('inside enableGrad');
        }),
      ).toThrow('inside enableGrad');
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
  });

  it('records no history under noGrad, and records again inside enableGrad', () => {
    const x = param(2);
    const [quiet, loud] = noGrad(() => [x.mul(x).exp(), enableGrad(() => x.mul(x))]);
    expect(quiet.data).toBeCloseTo(Math.exp(4), 12);
    expect(quiet.gradFn).toBeNull();
    expect(quiet.requiresGrad).toBe(false);
    expect(() => quiet.backward()).toThrow(/does not require grad/);
    expect(loud.gradFn?.name).toBe('MulBackward');
    loud.backward();
    expect(x.grad!.data).toBe(4);
  });

  it('cuts the graph where noGrad values re-enter it', () => {
    const x = param(3);
    const detached = noGrad(() => x.mul(2));
    x.mul(detached).backward();
    // d/dx x·c with c = 2x held constant.
    expect(x.grad!.data).toBe(6);
  });

  it('setGradEnabled switches the mode until switched back', () => {
    setGradEnabled(false);
    try {
      expect(isGradEnabled()).toBe(false);
      expect(param(1).exp().gradFn).toBeNull();
    } finally {
      setGradEnabled(true);
    }
    expect(param(1).exp().gradFn).not.toBeNull();
  });
});
