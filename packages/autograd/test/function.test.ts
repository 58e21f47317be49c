import { describe, expect, it } from 'vitest';
import * as autograd from '../src/index.js';
import { FREED_GRAPH_MESSAGE, type FunctionContext, grad, isGradEnabled, noGrad } from '../src/index.js';
import { param, Value } from './value.js';

/** x³ by hand, as in the Function doc comment. */
class Cube extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value): Value {
    ctx.saveForBackward(x);
    return x.pow(3);
  }

  static override backward(ctx: FunctionContext, g: Value): Value[] {
    const [x] = ctx.savedTensors as [Value];
    return [g.mul(x.pow(2)).mul(3)];
  }
}

/** a·b that computes only the gradients asked for. */
class Product extends autograd.Function {
  static needs: boolean[] = [];

  static override forward(ctx: FunctionContext, a: Value, b: Value): Value {
    ctx.saveForBackward(a, b);
    return a.mul(b);
  }

  static override backward(ctx: FunctionContext, g: Value): (Value | null)[] {
    const [a, b] = ctx.savedTensors as [Value, Value];
    Product.needs = [...ctx.needsInputGrad];
    return [ctx.needsInputGrad[0] ? g.mul(b) : null, ctx.needsInputGrad[1] ? g.mul(a) : null];
  }
}

/** x·factor with a plain-number argument that gets no gradient. */
class Scale extends autograd.Function {
  static override forward(ctx: FunctionContext, x: Value, factor: number): Value {
    ctx.saveForBackward(factor);
    return new Value(x.data * factor);
  }

  static override backward(ctx: FunctionContext, g: Value): (Value | null)[] {
    const [factor] = ctx.savedTensors as [number];
    return [g.mul(factor), null];
  }
}

/** 2x, saving nothing. */
class Double extends autograd.Function {
  static override forward(_ctx: FunctionContext, x: Value): Value {
    return x.add(x);
  }

  static override backward(_ctx: FunctionContext, g: Value): Value[] {
    return [g.mul(2)];
  }
}

describe('Function', () => {
  it('records its own node, runs forward without history, and differentiates through backward', () => {
    const x = param(-1.5);
    const y = Cube.apply(x) as Value;
    expect(y.data).toBeCloseTo(-3.375, 12);
    expect(y.gradFn?.name).toBe('CubeBackward');
    expect(`${y.gradFn}`).toBe('<CubeBackward>');
    y.backward();
    expect(x.grad!.data).toBeCloseTo(3 * 2.25, 12);
  });

  it('composes with ordinary ops on both sides', () => {
    const x = param(0.4);
    const y = (Cube.apply(x.mul(2)) as Value).tanh();
    y.backward();
    const u = 0.8 ** 3;
    expect(x.grad!.data).toBeCloseTo((1 - Math.tanh(u) ** 2) * 3 * 0.64 * 2, 12);
  });

  it('tells backward which inputs need a gradient (needsInputGrad)', () => {
    const a = param(2);
    const b = new Value(5);
    (Product.apply(a, b) as Value).backward();
    expect(Product.needs).toEqual([true, false]);
    expect(a.grad!.data).toBe(5);
    expect(b.grad).toBeNull();
    const c = param(-1);
    (Product.apply(new Value(3), c) as Value).backward();
    expect(Product.needs).toEqual([false, true]);
    expect(c.grad!.data).toBe(3);
  });

  it('passes non-variable arguments through to forward, and ignores their gradient', () => {
    const x = param(2);
    const y = Scale.apply(x, 2.5) as Value;
    expect(y.data).toBe(5);
    y.backward();
    expect(x.grad!.data).toBe(2.5);
  });

  it('throws the freed-graph message when backward runs twice without retainGraph', () => {
    const x = param(2);
    const y = Cube.apply(x) as Value;
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.data).toBe(24);
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('walks again when backward does not touch saved values, as in PyTorch', () => {
    const x = param(2);
    const y = Double.apply(x) as Value;
    y.backward();
    y.backward();
    expect(x.grad!.data).toBe(4);
  });

  it('records nothing under noGrad or when no input requires grad', () => {
    const x = param(2);
    const quiet = noGrad(() => Cube.apply(x)) as Value;
    expect(quiet.data).toBe(8);
    expect(quiet.gradFn).toBeNull();
    const constant = Cube.apply(new Value(2)) as Value;
    expect(constant.gradFn).toBeNull();
    expect(Scale.apply(new Value(2), 3).gradFn).toBeNull();
  });

  it('runs backward with grad mode off, unless createGraph', () => {
    const modes: boolean[] = [];
    class Spy extends autograd.Function {
      static override forward(_ctx: FunctionContext, x: Value): Value {
        modes.push(isGradEnabled());
        return new Value(x.data);
      }

      static override backward(_ctx: FunctionContext, g: Value): Value[] {
        modes.push(isGradEnabled());
        return [g];
      }
    }
    const x = param(1);
    const y = Spy.apply(x) as Value;
    y.backward(undefined, { retainGraph: true });
    y.backward(undefined, { createGraph: true });
    expect(modes).toEqual([false, false, true]);
  });

  it('gives higher-order derivatives when its backward is written with differentiable ops', () => {
    const x = param(1.5);
    const [g1] = grad(Cube.apply(x) as Value, x, { createGraph: true });
    expect(g1!.data).toBeCloseTo(6.75, 12);
    const [g2] = grad(g1!, x);
    expect(g2!.data).toBeCloseTo(9, 12);
  });

  it('says when backward returns fewer gradients than forward had inputs', () => {
    class Short extends autograd.Function {
      static override forward(_ctx: FunctionContext, a: Value, b: Value): Value {
        return a.add(b);
      }

      static override backward(_ctx: FunctionContext, g: Value): Value[] {
        return [g];
      }
    }
    const y = Short.apply(param(1), param(2)) as Value;
    expect(() => y.backward()).toThrow(
      'ShortBackward: backward returned 1 gradients, but forward had 2 inputs',
    );
  });

  it('accepts a single gradient returned bare for a single input', () => {
    class Bare extends autograd.Function {
      static override forward(_ctx: FunctionContext, x: Value): Value {
        return x.neg();
      }

      static override backward(_ctx: FunctionContext, g: Value): Value {
        return g.neg();
      }
    }
    const x = param(3);
    (Bare.apply(x) as Value).backward();
    expect(x.grad!.data).toBe(-1);
  });

  it('says when forward returns no variable while an input requires grad', () => {
    class Untracked extends autograd.Function {
      static override forward(_ctx: FunctionContext, x: Value): number {
        return x.data;
      }
    }
    expect(() => Untracked.apply(param(1))).toThrow(
      'Untracked.forward must return a tensor when an input requires grad',
    );
  });

  it('names the subclass whose forward or backward is missing', () => {
    class Empty extends autograd.Function {}
    expect(() => Empty.apply(param(1))).toThrow('Empty.forward is not implemented');
    class ForwardOnly extends autograd.Function {
      static override forward(_ctx: FunctionContext, x: Value): Value {
        return new Value(x.data);
      }
    }
    const y = ForwardOnly.apply(param(1)) as Value;
    expect(() => y.backward()).toThrow('ForwardOnly.backward is not implemented');
  });
});
