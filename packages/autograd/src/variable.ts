import type { Node } from './node.js';

/**
 * What the engine needs of a value that takes part in differentiation. A tensor is one; so is
 * the scalar value type of the engine's own tests.
 */
export interface Variable<G> {
  /** The node that produced this value, or null for a leaf. */
  readonly gradFn: Node<G> | null;
  /** True for leaves that want a gradient and for every result computed from one. */
  readonly requiresGrad: boolean;
  /** The gradient accumulated into a leaf by backward. */
  grad: G | null;
  /**
   * Gives a result its history; called on fresh outputs only.
   *
   * @param node - The node that computed this value.
   */
  setGradFn(node: Node<G>): void;
  /** The gradient backward starts from when none is given (one for a scalar, an error otherwise). */
  defaultGradient(): G;
  /**
   * Checks a gradient given for this output (its kind, shape and dtype) and returns it as this
   * output's own kind, naming `op` in the error; optional.
   */
  checkGradient?(op: string, grad: unknown, index: number): G;
}

/** What gradients must support: the engine sums the gradients that reach one node. */
export interface Gradient<G> {
  /**
   * The sum of this gradient and `other`.
   *
   * @param other - Another gradient of the same shape.
   */
  add(other: G): G;
  /**
   * A copy owning its memory. A leaf stores a copy of the first gradient it receives, so that
   * writing to `grad` in place never reaches the caller's tensor or another leaf's gradient.
   */
  clone?(): G;
}
