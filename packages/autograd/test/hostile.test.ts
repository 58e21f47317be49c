import { afterEach, describe, expect, it } from 'vitest';
import { backward, grad, isGradEnabled, setGradEnabled } from '../src/index.js';
import { Value } from './value.js';

// biome-ignore lint/suspicious/noExplicitAny: hostile callers pass anything
const any = (v: unknown) => v as any;

/** Issue 17's cases for @fovea/autograd, found by @fovea/tensor's fuzz-global-state.test.ts. */
describe('@fovea/autograd: faults the fuzz suite found', () => {
  afterEach(() => setGradEnabled(true));

  it('setGradEnabled takes a boolean only: a truthy string or nothing no longer becomes the mode', () => {
    setGradEnabled(false);
    expect(() => setGradEnabled(any(undefined))).toThrow(
      "setGradEnabled: argument 'enabled' must be a boolean, got undefined",
    );
    expect(() => setGradEnabled(any('x'))).toThrow(
      "setGradEnabled: argument 'enabled' must be a boolean, got string",
    );
    expect(() => setGradEnabled(any([]))).toThrow(
      "setGradEnabled: argument 'enabled' must be a boolean, got an object",
    );
    expect(isGradEnabled()).toBe(false);
  });

  it("backward's and grad's flags are booleans: a string createGraph no longer becomes the grad mode", () => {
    const x = new Value(2, { requiresGrad: true });
    expect(() => backward(x.mul(x), undefined, any({ createGraph: 'x' }))).toThrow(
      "backward: argument 'createGraph' must be a boolean, got string",
    );
    expect(() => grad(x.mul(x), x, any('x'))).toThrow(
      "grad: argument 'options' must be an object, got string",
    );
    expect(grad(x.mul(x), x, any(null))[0]?.data).toBe(4);
    expect(isGradEnabled()).toBe(true);
  });
});
