import { afterEach, describe, expect, it } from 'vitest';
import { isGradEnabled, setGradEnabled } from '../src/index.js';

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
});
