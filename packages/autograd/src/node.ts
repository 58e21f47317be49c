/**
 * A node of the backward graph: it turns the gradient of one output into gradients for the
 * inputs it was computed from. `next[i]` is the node that receives the gradient of input `i`
 * (null where that input needs none).
 */
export abstract class Node<G = unknown> {
  /**
   * What the forward op was, for tools that read the graph (shapes, kernel geometry); the
   * engine itself never looks at it.
   */
  attributes: Readonly<Record<string, unknown>> = {};

  /**
   * Whether `apply` may keep the gradient it is given or pass it to code outside the engine (a
   * custom Function's backward, a module's hook): then the engine never gives back its memory,
   * nor that of the gradients it returns (gradient-memory.ts). False for nodes that only read it.
   */
  get keepsGradient(): boolean {
    return true;
  }

  /**
   * A node named `name` whose input gradients go to `next`.
   *
   * @param name - PyTorch's name for it (`MulBackward0`).
   * @param next - Per input, the node its gradient goes to, or null.
   */
  constructor(
    readonly name: string,
    readonly next: ReadonlyArray<Node<G> | null>,
  ) {}

  /**
   * Gradients for each input, in the order of `next`; null where an input gets none.
   *
   * @param gradOutput - The gradient of the node's output.
   */
  abstract apply(gradOutput: G): ReadonlyArray<G | null>;

  /** Drop what was saved for backward; called once a backward pass no longer needs this node. */
  release(): void {}

  /** PyTorch's repr: `<MulBackward0>`. */
  toString(): string {
    return `<${this.name}>`;
  }
}

/** A node's backward: the gradient of each input (null where none) from the output's gradient. */
export type BackwardFn<G> = (gradOutput: G) => ReadonlyArray<G | null>;

/** PyTorch's error for a second backward through a graph whose saved values were freed. */
export const FREED_GRAPH_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they ' +
  'have already been freed). Saved intermediate values of the graph are freed when you call ' +
  '.backward() or autograd.grad(). Specify retainGraph: true if you need to backward through the graph ' +
  'a second time or if you need to access saved tensors after calling backward.';

/**
 * The usual node: a backward closure that captures what it needs from the forward pass.
 * `savesValues` says whether the closure holds forward values; such a node cannot run again once
 * released, while one that saved nothing (an addition, a reshape) can, as in PyTorch.
 */
export class FunctionNode<G> extends Node<G> {
  private readonly keeps: boolean;
  private backwardFn: BackwardFn<G> | null;
  private readonly savesValues: boolean;
  private beforeApply: (() => void) | undefined;

  /**
   * A node running `backward`.
   *
   * @param name - PyTorch's name for it (`MulBackward0`).
   * @param next - Per input, the node its gradient goes to, or null.
   * @param backward - The gradients of the inputs from the output's.
   * @param options - `savesValues` (true), `beforeApply` (a check to run first), `attributes`
   * and `keepsGradient` (true; false when `backward` only reads its gradient, and returns new
   * values or views of it, never a value held elsewhere).
   */
  constructor(
    name: string,
    next: ReadonlyArray<Node<G> | null>,
    backward: BackwardFn<G>,
    options: {
      savesValues?: boolean;
      beforeApply?: () => void;
      attributes?: Readonly<Record<string, unknown>>;
      keepsGradient?: boolean;
    } = {},
  ) {
    super(name, next);
    this.keeps = options.keepsGradient ?? true;
    if (options.attributes) this.attributes = options.attributes;
    this.backwardFn = backward;
    this.savesValues = options.savesValues ?? true;
    this.beforeApply = options.beforeApply;
  }

  override get keepsGradient(): boolean {
    return this.keeps;
  }

  /**
   * Runs the backward closure.
   *
   * @param gradOutput - The gradient of the node's output.
   * @throws Once released, if the node saved values.
   */
  apply(gradOutput: G): ReadonlyArray<G | null> {
    if (this.backwardFn === null) throw new Error(FREED_GRAPH_MESSAGE);
    this.beforeApply?.();
    return this.backwardFn(gradOutput);
  }

  override release(): void {
    // The check before a run may hold the saved values too (tensor's `record` keeps them to
    // compare versions): both go, so that a graph a program still points to (the last loss in
    // a training loop, until the next step replaces it) keeps no forward values alive.
    if (this.savesValues) {
      this.backwardFn = null;
      this.beforeApply = undefined;
    }
  }
}
