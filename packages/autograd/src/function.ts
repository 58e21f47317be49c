import { gradientEdge } from './engine.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { FREED_GRAPH_MESSAGE, Node } from './node.js';
import type { Gradient, Variable } from './variable.js';

type Grad = Gradient<Grad>;

function isVariable(x: unknown): x is Variable<Grad> {
  return typeof x === 'object' && x !== null && 'requiresGrad' in x && 'setGradFn' in x;
}

/** What a custom function's forward hands to its backward. */
export class FunctionContext {
  private saved: unknown[] | null = [];
  /** For each input of `apply`, whether backward must produce its gradient. */
  needsInputGrad: boolean[] = [];

  /**
   * Keeps values for backward; they are dropped once backward has run (unless the graph is
   * retained).
   *
   * @param values - Anything backward needs: inputs, outputs, intermediate values.
   */
  saveForBackward(...values: unknown[]): void {
    this.saved = values;
  }

  /**
   * What forward saved with `saveForBackward`, in order.
   *
   * @throws Once backward has run (unless `retainGraph`), as PyTorch does.
   */
  get savedTensors(): unknown[] {
    if (this.saved === null) throw new Error(FREED_GRAPH_MESSAGE);
    return this.saved;
  }

  /** @internal */
  free(): void {
    this.saved = null;
  }
}

class CustomFunctionNode extends Node<Grad> {
  constructor(
    name: string,
    next: ReadonlyArray<Node<Grad> | null>,
    private readonly ctx: FunctionContext,
    private readonly backwardFn: (ctx: FunctionContext, g: Grad) => unknown,
  ) {
    super(name, next);
  }

  apply(gradOutput: Grad): (Grad | null)[] {
    const result = this.backwardFn(this.ctx, gradOutput);
    const grads = (Array.isArray(result) ? result : [result]) as (Grad | null | undefined)[];
    if (grads.length < this.next.length) {
      throw new Error(
        `${this.name}: backward returned ${grads.length} gradients, but forward had ${this.next.length} inputs`,
      );
    }
    return this.next.map((_, i) => grads[i] ?? null);
  }

  override release(): void {
    this.ctx.free();
  }
}

/**
 * A differentiable operation written by hand, like `torch.autograd.Function`: subclass it with
 * `static forward(ctx, ...inputs)` and `static backward(ctx, gradOutput)`, then call `apply`.
 *
 * ```ts
 * class Cube extends Function {
 *   static forward(ctx, x) { ctx.saveForBackward(x); return x.pow(3); }
 *   static backward(ctx, g) { const [x] = ctx.savedTensors; return [g.mul(x.pow(2)).mul(3)]; }
 * }
 * const y = Cube.apply(x);
 * ```
 */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the name is PyTorch's (torch.autograd.Function)
export class Function {
  /**
   * Computes the output; subclasses define it. Runs without recording history.
   *
   * @param _ctx - Where to save what backward needs.
   * @param _inputs - The arguments of `apply`.
   * @returns The output.
   */
  static forward(_ctx: FunctionContext, ..._inputs: unknown[]): unknown {
    throw new Error(`${this.name}.forward is not implemented`);
  }

  /**
   * Computes the gradients of the inputs from the output's; subclasses define it.
   *
   * @param _ctx - What forward saved.
   * @param _gradOutput - The gradient of the output.
   * @returns One gradient per input of `apply` (an array; null for an input that needs none).
   */
  static backward(_ctx: FunctionContext, _gradOutput: unknown): unknown {
    throw new Error(`${this.name}.backward is not implemented`);
  }

  /**
   * Runs `forward` on `inputs` and, when one of them requires grad, records `backward` as the
   * output's `gradFn`.
   *
   * @param inputs - The arguments, passed on to `forward`.
   * @returns What `forward` returned.
   */
  // biome-ignore lint/suspicious/noExplicitAny: custom functions take and return any values
  static apply(this: typeof Function, ...inputs: any[]): any {
    const ctx = new FunctionContext();
    ctx.needsInputGrad = inputs.map((x) => isVariable(x) && x.requiresGrad);
    const output = noGrad(() => this.forward(ctx, ...inputs));
    if (!isGradEnabled() || !ctx.needsInputGrad.some(Boolean)) return output;
    if (!isVariable(output)) {
      throw new Error(`${this.name}.forward must return a tensor when an input requires grad`);
    }
    const next = inputs.map((x) => (isVariable(x) ? gradientEdge(x) : null));
    output.setGradFn(new CustomFunctionNode(`${this.name}Backward`, next, ctx, this.backward.bind(this)));
    return output;
  }
}
