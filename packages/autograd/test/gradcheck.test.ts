import { describe, expect, it } from 'vitest';
import * as autograd from '../src/index.js';
import { type FunctionContext, GradcheckError, gradcheck, type Variable } from '../src/index.js';
import { param, Value } from './value.js';

/** x² with a backward that forgets the factor 2. */
class WrongSquare extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value): Value {
    ctx.saveForBackward(x);
    return x.mul(x);
  }

  static override backward(ctx: FunctionContext, g: Value): Value[] {
    const [x] = ctx.savedTensors as [Value];
    return [g.mul(x)];
  }
}

class RightSquare extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value): Value {
    ctx.saveForBackward(x);
    return x.mul(x);
  }

  static override backward(ctx: FunctionContext, g: Value): Value[] {
    const [x] = ctx.savedTensors as [Value];
    return [g.mul(x).mul(2)];
  }
}

describe('gradcheck', () => {
  it.each([
    ['add', (a: Value, b: Value) => a.add(b)],
    ['mul', (a: Value, b: Value) => a.mul(b)],
    ['sub', (a: Value, b: Value) => a.sub(b)],
    ['div', (a: Value, b: Value) => a.div(b)],
    ['neg', (a: Value) => a.neg()],
    ['pow(3)', (a: Value) => a.pow(3)],
    ['pow(-1.5) of b²', (_a: Value, b: Value) => b.mul(b).pow(-1.5)],
    ['exp', (a: Value) => a.exp()],
    ['log of b²', (_a: Value, b: Value) => b.mul(b).log()],
    ['tanh', (a: Value) => a.tanh()],
    ['relu', (a: Value, b: Value) => a.relu().add(b.relu())],
    ['RightSquare', (a: Value) => RightSquare.apply(a) as Value],
    ['a tanh neuron', (a: Value, b: Value) => a.mul(b).add(0.3).tanh().mul(a.exp())],
  ])('passes for %s', (_name, f) => {
    expect(gradcheck(f, [param(0.7), param(-1.3)])).toBe(true);
  });

  it('checks several outputs', () => {
    expect(gradcheck((a: Value, b: Value) => [a.mul(b), a.div(b).exp()], [param(0.7), param(-1.3)])).toBe(
      true,
    );
  });

  it('reports a wrong backward with both Jacobians', () => {
    const f = (x: Value) => WrongSquare.apply(x) as Value;
    expect(() => gradcheck(f, [param(1.5)])).toThrow(GradcheckError);
    expect(() => gradcheck(f, [param(1.5)])).toThrow(
      'Jacobian mismatch for output 0 with respect to input 0 at element 0, output element 0:\n' +
        'numerical:\n[3.00000]\nanalytical:\n[1.50000]',
    );
  });

  it('returns false instead with raiseException: false', () => {
    expect(
      gradcheck((x: Value) => WrongSquare.apply(x) as Value, [param(1.5)], { raiseException: false }),
    ).toBe(false);
  });

  it('finds the wrong input among several', () => {
    const f = (a: Value, b: Value) => a.exp().add(WrongSquare.apply(b) as Value);
    expect(() => gradcheck(f, [param(0.2), param(1.5)])).toThrow(/with respect to input 1 /);
  });

  it('holds analytical to the tolerances given', () => {
    // A backward off by 1e-4 relative: within rtol 1e-3, beyond rtol 1e-5 (atol 0 to isolate rtol).
    class SlightlyOff extends autograd.Function {
      static override forward(_ctx: FunctionContext, x: Value): Value {
        return x.mul(3);
      }

      static override backward(_ctx: FunctionContext, g: Value): Value[] {
        return [g.mul(3 * (1 + 1e-4))];
      }
    }
    const f = (x: Value) => SlightlyOff.apply(x) as Value;
    expect(gradcheck(f, [param(1)])).toBe(true);
    expect(gradcheck(f, [param(1)], { atol: 0, rtol: 1e-5, raiseException: false })).toBe(false);
  });

  it('refuses an input that requires grad but is not double precision', () => {
    const x = new Value(1, { requiresGrad: true, isDouble: false });
    expect(() => gradcheck((v: Value) => v.exp(), [x])).toThrow(
      'gradcheck: input 0 requires grad but is not float64; finite differences need double precision',
    );
  });

  it('lets a non-double input through when it needs no gradient', () => {
    const scale = new Value(2, { isDouble: false });
    expect(gradcheck((x: Value, s: Value) => x.mul(s), [param(1), scale])).toBe(true);
  });

  it('refuses inputs none of which requires grad', () => {
    expect(() => gradcheck((x: Value) => x.exp(), [new Value(1)])).toThrow(
      'gradcheck: no input requires grad',
    );
  });

  it('refuses a variable without element access', () => {
    const opaque: Variable<Value> = {
      gradFn: null,
      requiresGrad: true,
      grad: null,
      setGradFn() {},
      defaultGradient: () => new Value(1),
    };
    expect(() => gradcheck(() => new Value(0), [opaque as never])).toThrow(
      'gradcheck: input 0 does not support element access',
    );
  });

  it('leaves the inputs and their .grad as they were', () => {
    const x = param(0.7);
    gradcheck((v: Value) => v.tanh().mul(v), [x]);
    expect(x.data).toBe(0.7);
    expect(x.grad).toBeNull();
  });

  it('accepts an output that does not depend on the input', () => {
    expect(gradcheck((_x: Value) => new Value(3), [param(1)])).toBe(true);
  });
});
