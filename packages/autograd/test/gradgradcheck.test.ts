import { describe, expect, it } from 'vitest';
import * as autograd from '../src/index.js';
import { type FunctionContext, GradcheckError, gradcheck, gradgradcheck } from '../src/index.js';
import { param, Value } from './value.js';

/**
 * x³ whose backward is right to first order but is not itself differentiable correctly: it
 * multiplies by 3x² as a constant, cutting the graph, so the second derivative comes out 0
 * (w.r.t. x) instead of 6 x g.
 */
class FrozenCube extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value): Value {
    ctx.saveForBackward(x);
    return x.mul(x).mul(x);
  }

  static override backward(ctx: FunctionContext, g: Value): Value[] {
    const [x] = ctx.savedTensors as [Value];
    return [g.mul(3 * x.data * x.data)];
  }
}

/** x³ with the backward written through Value ops, so createGraph records it. */
class Cube extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value): Value {
    ctx.saveForBackward(x);
    return x.mul(x).mul(x);
  }

  static override backward(ctx: FunctionContext, g: Value): Value[] {
    const [x] = ctx.savedTensors as [Value];
    return [g.mul(x.mul(x)).mul(3)];
  }
}

describe('gradgradcheck', () => {
  it.each([
    ['mul', (a: Value, b: Value) => a.mul(b)],
    ['div', (a: Value, b: Value) => a.div(b)],
    ['pow(3)', (a: Value) => a.pow(3)],
    ['exp', (a: Value) => a.exp()],
    ['log of b²', (_a: Value, b: Value) => b.mul(b).log()],
    ['tanh', (a: Value) => a.tanh()],
    ['Cube', (a: Value) => Cube.apply(a) as Value],
    ['a tanh neuron', (a: Value, b: Value) => a.mul(b).add(0.3).tanh().mul(a.exp())],
    ['two outputs', (a: Value, b: Value) => [a.mul(b).exp(), a.div(b)]],
  ])('passes for %s', (_name, f) => {
    expect(gradgradcheck(f, [param(0.7), param(-1.3)])).toBe(true);
  });

  it('catches a backward that is right to first order but not differentiable (the check has teeth)', () => {
    const f = (x: Value) => FrozenCube.apply(x) as Value;
    expect(gradcheck(f, [param(0.8)])).toBe(true);
    expect(() => gradgradcheck(f, [param(0.8)])).toThrow(GradcheckError);
    expect(gradgradcheck(f, [param(0.8)], { raiseException: false })).toBe(false);
  });

  it('uses the gradOutputs given, which must be one per output that requires grad', () => {
    const f = (a: Value, b: Value) => a.mul(b).tanh();
    expect(gradgradcheck(f, [param(0.4), param(1.1)], { gradOutputs: [param(-0.6)] })).toBe(true);
    expect(() => gradgradcheck(f, [param(0.4), param(1.1)], { gradOutputs: [param(1), param(2)] })).toThrow(
      'gradgradcheck: got 2 gradOutputs for 1 outputs that require grad',
    );
  });

  it('refuses gradOutputs that are not double precision', () => {
    const g = new Value(1, { requiresGrad: true, isDouble: false });
    expect(() => gradgradcheck((a: Value) => a.exp(), [param(0.3)], { gradOutputs: [g] })).toThrow(
      'gradcheck: input 1 requires grad but is not float64; finite differences need double precision',
    );
  });

  it('refuses a function none of whose outputs requires grad', () => {
    expect(() => gradgradcheck((_a: Value) => new Value(1), [param(0.3)])).toThrow(
      'gradgradcheck: no output requires grad',
    );
  });

  it('leaves the inputs and their .grad as they were', () => {
    const x = param(0.7);
    gradgradcheck((v: Value) => v.tanh().mul(v), [x]);
    expect(x.data).toBe(0.7);
    expect(x.grad).toBeNull();
  });
});
