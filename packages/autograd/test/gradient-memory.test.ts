import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backward, FunctionNode, grad, gradientEdge, setGradientMemory } from '../src/index.js';
import { param, Value } from './value.js';

/**
 * The engine gives back the memory of a gradient only when it alone held it (gradient-memory.ts).
 * Values stand in for tensors: a "view" shares the memory of the value it was made from.
 */

const memoryOf = new WeakMap<Value, object>();
const memory = (v: Value): object => memoryOf.get(v) ?? v;
function viewOf(v: Value): Value {
  const w = new Value(v.data);
  memoryOf.set(w, memory(v));
  return w;
}

let givenBack: Value[] = [];
beforeEach(() => {
  givenBack = [];
  setGradientMemory<Value>({ shares: (a, b) => memory(a) === memory(b), giveBack: (g) => givenBack.push(g) });
});
afterEach(() => setGradientMemory(null));

/** A result of `inputs` whose node runs `fn` (an op's node: it only reads its gradient, unless `keeps`). */
function op(inputs: Value[], fn: (g: Value) => (Value | null)[], keeps = false): Value {
  const out = new Value(0);
  out.setGradFn(
    new FunctionNode(
      'TestBackward',
      inputs.map((x) => gradientEdge(x)),
      fn,
      {
        savesValues: false,
        keepsGradient: keeps,
      },
    ),
  );
  return out;
}

/** A gradient a leaf stores a copy of, as it does a tensor. */
class Copyable extends Value {
  clone(): Copyable {
    return new Copyable(this.data);
  }
}

/** A node's fresh result, remembered in `made`. */
function fresh(made: Value[], data: number): Value {
  const v = new Copyable(data);
  made.push(v);
  return v;
}

describe('gradient memory: what the engine gives back', () => {
  it('gives back each intermediate gradient once its node has run, never the one given to backward', () => {
    const x = param(1);
    const made: Value[] = [];
    const y = op([op([x], (g) => [fresh(made, g.data * 2)])], (g) => [fresh(made, g.data * 3)]);
    const seed = new Value(1);
    backward(y, seed);
    expect(x.grad!.data).toBe(6);
    // The first node's result reached the second, the second's reached the leaf (which copies it).
    expect(givenBack).toEqual([made[0], made[1]]);
    expect(givenBack).not.toContain(seed);
    expect(givenBack).not.toContain(x.grad);
  });

  it('passes ownership through a view and gives back the memory once', () => {
    const x = param(1);
    const made: Value[] = [];
    const a = op([x], (g) => [fresh(made, g.data)]);
    const b = op([a], (g) => [viewOf(g)]);
    backward(
      op([b], (g) => [fresh(made, g.data)]),
      new Value(1),
    );
    // The top node's result went to b's node, whose view of it went to a's node, which ran
    // last before the leaf; then a's result, which the leaf copied.
    expect(givenBack.map(memory)).toEqual([made[0], made[1]]);
  });

  it('never gives back a view of the gradient given to backward', () => {
    const x = param(1);
    const seed = new Value(1);
    backward(
      op([op([x], (g) => [viewOf(g)])], (g) => [viewOf(g)]),
      seed,
    );
    expect(givenBack.map(memory)).not.toContain(seed);
    expect(givenBack).toEqual([]);
  });

  it('keeps a gradient handed to two inputs, as such or as views', () => {
    const x = param(1);
    const w = param(2);
    const made: Value[] = [];
    const top = op([op([x, w], (g) => [g, viewOf(g)])], (g) => [fresh(made, g.data)]);
    backward(top, new Value(1));
    expect(x.grad!.data).toBe(1);
    expect(w.grad!.data).toBe(1);
    expect(givenBack).toEqual([]);
  });

  it('gives back two gradients summed at a node, then their sum', () => {
    const x = param(1);
    const made: Value[] = [];
    const shared = op([x], (g) => [fresh(made, g.data)]);
    const left = op([shared], (g) => [fresh(made, g.data)]);
    const right = op([shared], (g) => [fresh(made, g.data)]);
    backward(
      op([left, right], (g) => [fresh(made, g.data), fresh(made, g.data)]),
      new Value(1),
    );
    expect(x.grad!.data).toBe(2);
    // Everything the nodes made went back, and the sum reaching `shared` too.
    for (const v of made) expect(givenBack).toContain(v);
    expect(givenBack.length).toBe(made.length + 1);
  });

  it('gives back nothing a node that may keep its gradient saw or made (a custom Function, a hook)', () => {
    const x = param(1);
    const made: Value[] = [];
    const kept: Value[] = [];
    const inner = op([x], (g) => [fresh(made, g.data)]);
    const middle = op(
      [inner],
      (g) => {
        kept.push(g);
        return [fresh(made, g.data)];
      },
      true,
    );
    backward(
      op([middle], (g) => [fresh(made, g.data)]),
      new Value(1),
    );
    expect(kept.length).toBe(1);
    expect(givenBack).not.toContain(kept[0]);
    // Only the inner node's result, which its own node (reading only) consumed.
    expect(givenBack).toEqual([made[2]]);
  });

  it('gives back nothing when the backward pass is recorded (createGraph)', () => {
    const x = param(1.5);
    x.mul(x).exp().backward(undefined, { createGraph: true });
    expect(givenBack).toEqual([]);
  });

  it("never gives back grad's results, even where backward goes on beyond them", () => {
    const x = param(1);
    const made: Value[] = [];
    const h = op([x], (g) => [fresh(made, g.data * 2)]);
    const y = op([h], (g) => [fresh(made, g.data * 3)]);
    const [dh, dx] = grad(y, [h, x]);
    expect(dh!.data).toBe(3);
    expect(dx!.data).toBe(6);
    expect(givenBack).not.toContain(dh);
    expect(givenBack).not.toContain(dx);
  });

  it('leaves a leaf the gradient it stores when it cannot copy it', () => {
    const x = param(1);
    const made: Value[] = [];
    backward(
      op([op([x], (g) => [new Value(g.data * 2)])], (g) => [fresh(made, g.data)]),
      new Value(1),
    );
    expect(givenBack).toEqual([made[0]]);
    expect(x.grad!.data).toBe(2);
  });

  it('gives back nothing without a registered memory', () => {
    setGradientMemory(null);
    const x = param(1);
    backward(
      op([op([x], (g) => [new Value(g.data)])], (g) => [new Value(g.data)]),
      new Value(1),
    );
    expect(x.grad!.data).toBe(1);
    expect(givenBack).toEqual([]);
  });
});
