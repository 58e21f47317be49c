import {
  type BackwardFn,
  type BackwardOptions,
  backward,
  FunctionNode,
  type Gradient,
  gradientEdge,
  isGradEnabled,
  type Node,
  type Numeric,
  type NumericAccess,
  numericAccess,
  type Variable,
} from '../src/index.js';

/**
 * A scalar that takes part in differentiation, like micrograd's `Value`: the engine's own test
 * double. Every op builds its output and, right there, the node whose backward closure sends the
 * gradient back. The closures are written with Value ops themselves, so a backward pass run with
 * `createGraph` is recorded too and can be differentiated again.
 */
export class Value implements Variable<Value>, Gradient<Value>, Numeric<Value> {
  data: number;
  grad: Value | null = null;
  gradFn: Node<Value> | null = null;
  /** Stands in for a tensor's dtype: false plays a float32 value, which gradcheck must refuse. */
  isDouble: boolean;
  private leafRequiresGrad: boolean;

  constructor(data: number, options: { requiresGrad?: boolean; isDouble?: boolean } = {}) {
    this.data = data;
    this.leafRequiresGrad = options.requiresGrad ?? false;
    this.isDouble = options.isDouble ?? true;
  }

  get requiresGrad(): boolean {
    return this.gradFn !== null || this.leafRequiresGrad;
  }

  /** Only leaves take the flag, as in PyTorch; a result requires grad because its inputs do. */
  set requiresGrad(flag: boolean) {
    if (this.gradFn !== null) {
      throw new Error(
        `Value(${this.data}): requiresGrad can only be changed on leaves, this one has ${this.gradFn}`,
      );
    }
    this.leafRequiresGrad = flag;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  setGradFn(node: Node<Value>): void {
    this.gradFn = node;
  }

  defaultGradient(): Value {
    return new Value(1);
  }

  backward(gradient?: Value, options?: BackwardOptions): void {
    backward<Value>(this, gradient, options);
  }

  [numericAccess](): NumericAccess<Value> {
    return {
      numel: 1,
      isDouble: this.isDouble,
      get: () => this.data,
      set: (_index, value) => {
        this.data = value;
      },
      basis: () => new Value(1),
      leafOf: (values) => new Value(values[0], { requiresGrad: true, isDouble: this.isDouble }),
    };
  }

  add(other: Value | number): Value {
    const b = asValue(other);
    return record('AddBackward', this.data + b.data, [this, b], (g) => [g, g], false);
  }

  mul(other: Value | number): Value {
    const b = asValue(other);
    return record('MulBackward', this.data * b.data, [this, b], (g) => [g.mul(b), g.mul(this)]);
  }

  neg(): Value {
    return record('NegBackward', -this.data, [this], (g) => [g.neg()], false);
  }

  sub(other: Value | number): Value {
    const b = asValue(other);
    return record('SubBackward', this.data - b.data, [this, b], (g) => [g, g.neg()], false);
  }

  /** d/dx x^n = n x^(n-1). */
  pow(exponent: number): Value {
    return record('PowBackward', this.data ** exponent, [this], (g) => [
      g.mul(this.pow(exponent - 1)).mul(exponent),
    ]);
  }

  /** d/dx e^x = e^x: the backward reuses the output. */
  exp(): Value {
    const out: Value = record('ExpBackward', Math.exp(this.data), [this], (g) => [g.mul(out)]);
    return out;
  }

  log(): Value {
    return record('LogBackward', Math.log(this.data), [this], (g) => [g.div(this)]);
  }

  /** d/dx tanh x = 1 - tanh² x. */
  tanh(): Value {
    const out: Value = record('TanhBackward', Math.tanh(this.data), [this], (g) => [
      g.mul(new Value(1).sub(out.mul(out))),
    ]);
    return out;
  }

  /** The derivative at 0 is taken as 0, as in PyTorch. */
  relu(): Value {
    const mask = this.data > 0 ? 1 : 0;
    return record('ReluBackward', Math.max(0, this.data), [this], (g) => [g.mul(mask)]);
  }

  /** d(a/b) = da / b - a db / b². */
  div(other: Value | number): Value {
    const b = asValue(other);
    return record('DivBackward', this.data / b.data, [this, b], (g) => [
      g.div(b),
      g.neg().mul(this).div(b.mul(b)),
    ]);
  }

  toString(): string {
    return `Value(${this.data}${this.gradFn === null ? '' : `, gradFn=${this.gradFn}`})`;
  }
}

/** A number as a constant (a leaf that needs no gradient). */
export function asValue(x: Value | number): Value {
  return typeof x === 'number' ? new Value(x) : x;
}

/** A leaf that requires grad. */
export function param(data: number): Value {
  return new Value(data, { requiresGrad: true });
}

/**
 * The output of an op, with a history only when grad mode is on and some input requires grad.
 * `savesValues` is false for ops whose backward needs no forward values (add, neg, sub): their
 * nodes can be walked again after a backward pass has released the graph.
 */
function record(
  name: string,
  data: number,
  inputs: Value[],
  backwardFn: BackwardFn<Value>,
  savesValues = true,
): Value {
  const out = new Value(data);
  if (isGradEnabled() && inputs.some((x) => x.requiresGrad)) {
    out.setGradFn(new FunctionNode<Value>(name, inputs.map(gradientEdge), backwardFn, { savesValues }));
  }
  return out;
}
