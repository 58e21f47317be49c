import { isGradEnabled, setGradEnabled } from './grad-mode.js';
import { OwnedGradients } from './gradient-memory.js';
import { Node } from './node.js';
import type { Gradient, Variable } from './variable.js';

type Grad = Gradient<Grad>;
type AnyVariable = Variable<Grad>;

/** The sink at a leaf: gradients reaching it are summed into the leaf's `grad`. */
export class AccumulateGrad<G extends Gradient<G>> extends Node<G> {
  private storedLast = false;

  /**
   * The accumulator of one leaf.
   *
   * @param variable - The leaf whose `grad` it sums into.
   */
  constructor(readonly variable: Variable<G>) {
    super('AccumulateGrad', []);
  }

  /**
   * Adds `gradOutput` to the leaf's `grad` (a copy of it, the first time).
   *
   * @param gradOutput - The gradient reaching the leaf.
   * @returns No further gradients: a leaf has no inputs.
   */
  apply(gradOutput: G): [] {
    const v = this.variable;
    this.storedLast = v.grad === null && gradOutput.clone === undefined;
    v.grad = v.grad === null ? (gradOutput.clone?.() ?? gradOutput) : v.grad.add(gradOutput);
    return [];
  }

  /** Only when it stored the last gradient itself (a value type without `clone`). */
  override get keepsGradient(): boolean {
    return this.storedLast;
  }
}

const accumulators = new WeakMap<object, AccumulateGrad<Grad>>();

/**
 * The node a variable's gradient flows into: its `gradFn`, or for a leaf that requires grad its
 * (unique, lasting) accumulator; null when nothing needs its gradient.
 *
 * @param v - The variable.
 */
export function gradientEdge<G extends Gradient<G>>(v: Variable<G>): Node<G> | null {
  if (v.gradFn !== null) return v.gradFn;
  if (!v.requiresGrad) return null;
  let acc = accumulators.get(v) as AccumulateGrad<G> | undefined;
  if (acc === undefined) {
    acc = new AccumulateGrad(v);
    accumulators.set(v, acc as unknown as AccumulateGrad<Grad>);
  }
  return acc;
}

/** The optional arguments of `backward`, PyTorch's `retain_graph` and `create_graph`. */
export interface BackwardOptions {
  /** Keep what was saved for backward, so the graph can be walked again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order derivatives. */
  createGraph?: boolean;
}

/** The optional arguments of `grad`, `torch.autograd.grad`'s keywords camelCased. */
export interface GradOptions<G> extends BackwardOptions {
  /** The gradient of each output (the vector in the vector-Jacobian product). */
  gradOutputs?: ReadonlyArray<G | null>;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** Every node reachable from the roots, with how many edges point at it. */
function countDependencies(roots: Iterable<Node<Grad>>): Map<Node<Grad>, number> {
  const deps = new Map<Node<Grad>, number>();
  const stack: Node<Grad>[] = [];
  for (const root of roots) {
    if (!deps.has(root)) {
      deps.set(root, 0);
      stack.push(root);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of node.next) {
      if (next === null) continue;
      const seen = deps.get(next);
      if (seen === undefined) {
        deps.set(next, 1);
        stack.push(next);
      } else {
        deps.set(next, seen + 1);
      }
    }
  }
  return deps;
}

/** Nodes from which some target can be reached (only those matter to `grad`). */
function nodesLeadingTo(order: Node<Grad>[], targets: Set<Node<Grad>>): Set<Node<Grad>> {
  const needed = new Set<Node<Grad>>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (targets.has(node) || node.next.some((n) => n !== null && needed.has(n))) needed.add(node);
  }
  return needed;
}

/** Kahn's order over the reachable graph: a node comes after every node that feeds it gradient. */
function topologicalOrder(deps: Map<Node<Grad>, number>): Node<Grad>[] {
  const remaining = new Map(deps);
  const ready = [...deps.keys()].filter((n) => deps.get(n) === 0);
  const order: Node<Grad>[] = [];
  while (ready.length > 0) {
    const node = ready.pop()!;
    order.push(node);
    for (const next of node.next) {
      if (next === null) continue;
      const left = remaining.get(next)! - 1;
      remaining.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

/**
 * Walks the graph from the roots in reverse topological order, summing the gradients that reach
 * each node and handing them to its inputs. With `capture`, gradients reaching those nodes are
 * collected instead of being accumulated into leaves.
 */
function runBackward(
  roots: Node<Grad>[],
  rootGrads: Grad[],
  options: BackwardOptions,
  capture: Set<Node<Grad>> | null,
): Map<Node<Grad>, Grad> {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const order = topologicalOrder(countDependencies(roots));
  const needed = capture === null ? null : nodesLeadingTo(order, capture);
  const pending = new Map<Node<Grad>, Grad>();
  const owned = OwnedGradients.forPass<Grad>(createGraph);
  const add = (node: Node<Grad>, g: Grad) => {
    const prev = pending.get(node);
    if (prev === undefined) {
      pending.set(node, g);
      return;
    }
    const sum = prev.add(g);
    owned?.summed(prev, g, sum);
    pending.set(node, sum);
  };
  const captured = new Map<Node<Grad>, Grad>();
  const previousMode = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    for (const [i, root] of roots.entries()) add(root, rootGrads[i]);
    for (const node of order) {
      if (needed !== null && !needed.has(node)) continue;
      const g = pending.get(node);
      pending.delete(node);
      if (g === undefined) continue;
      if (capture?.has(node)) {
        captured.set(node, g);
        owned?.disown(g);
        // `grad` stops at its inputs: an input's own node runs only when another input lies
        // beyond it, as in PyTorch (it may have been freed by an earlier backward).
        if (!node.next.some((n) => n !== null && needed!.has(n))) continue;
      }
      const grads = node.apply(g);
      if (!retainGraph) node.release();
      owned?.applied(node, g, grads);
      node.next.forEach((next, i) => {
        const gi = grads[i];
        if (next !== null && gi !== null && gi !== undefined) add(next, gi);
      });
    }
  } finally {
    setGradEnabled(previousMode);
  }
  return captured;
}

/** Every element must be a variable (a Tensor): not undefined, null or a plain value. */
function requireVariables(op: string, values: readonly unknown[]): void {
  values.forEach((v, i) => {
    if (typeof v !== 'object' || v === null || typeof (v as AnyVariable).defaultGradient !== 'function') {
      throw new Error(
        `${op}: element ${i} of tensors must be a Tensor, got ${v === null ? 'null' : typeof v}`,
      );
    }
  });
}

function rootsOf(
  op: string,
  outputs: ReadonlyArray<AnyVariable>,
  grads: ReadonlyArray<Grad | null> | undefined,
): [Node<Grad>[], Grad[]] {
  if (grads !== undefined && grads.length !== outputs.length) {
    throw new Error(`${op}: got ${outputs.length} outputs but ${grads.length} gradients`);
  }
  const roots: Node<Grad>[] = [];
  const rootGrads: Grad[] = [];
  outputs.forEach((out, i) => {
    const edge = gradientEdge(out);
    if (edge === null) {
      throw new Error(`${op}: element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    roots.push(edge);
    const given = grads?.[i];
    rootGrads.push(
      given === undefined || given === null
        ? out.defaultGradient()
        : (out.checkGradient?.(op, given, i) ?? given),
    );
  });
  return [roots, rootGrads];
}

/** `options` of `fn` checked: an object (or nothing) whose flags are booleans. */
function checkedOptions<O extends BackwardOptions & { allowUnused?: boolean }>(
  fn: string,
  options: O | null | undefined,
): O {
  if (options === undefined || options === null) return {} as O;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(
      `${fn}: argument 'options' must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`,
    );
  }
  for (const flag of ['retainGraph', 'createGraph', 'allowUnused'] as const) {
    const value = options[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new Error(
        `${fn}: argument '${flag}' must be a boolean, got ${value === null ? 'null' : typeof value}`,
      );
    }
  }
  return options;
}

/**
 * Computes the gradients of `tensors` with respect to the graph's leaves and accumulates them
 * into each leaf's `grad`, like `torch.autograd.backward`.
 *
 * @param tensors - The outputs to differentiate (a scalar loss, usually).
 * @param grads - The gradient of each output; by default one, for scalars.
 * @param options - `retainGraph` (false) and `createGraph` (false).
 * @throws If an output does not require grad, or the graph was already freed.
 *
 * @example
 * ```ts
 * import { backward } from '@fovea/autograd';
 * import { tensor } from '@fovea/tensor';
 *
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * backward(x.mul(x).sum()); // the same as x.mul(x).sum().backward()
 * String(x.grad); // 'tensor([2., 4., 6.])'
 * ```
 */
export function backward<G extends Gradient<G>>(
  tensors: Variable<G> | ReadonlyArray<Variable<G>>,
  grads?: G | ReadonlyArray<G | null> | null,
  options: BackwardOptions = {},
): void {
  const outputs = (Array.isArray(tensors) ? tensors : [tensors]) as AnyVariable[];
  requireVariables('backward', outputs);
  const gradList =
    grads === undefined || grads === null
      ? undefined
      : ((Array.isArray(grads) ? grads : [grads]) as ReadonlyArray<Grad | null>);
  const [roots, rootGrads] = rootsOf('backward', outputs, gradList);
  runBackward(roots, rootGrads, checkedOptions('backward', options), null);
}

/**
 * Returns the gradients of `outputs` with respect to `inputs` without touching any `grad`,
 * like `torch.autograd.grad`.
 *
 * @param outputs - The outputs to differentiate.
 * @param inputs - The variables to differentiate with respect to.
 * @param options - `gradOutputs`, `retainGraph`, `createGraph` (for higher derivatives) and
 * `allowUnused`.
 * @returns The gradient for each of `inputs`, in order (null for an unused input with
 * `allowUnused`).
 *
 * @example
 * ```ts
 * import { grad } from '@fovea/autograd';
 * import { tensor } from '@fovea/tensor';
 *
 * const x = tensor(3, { requiresGrad: true });
 * const [dy] = grad(x.pow(3), x, { createGraph: true }); // 3x^2 = 27
 * const [d2y] = grad(dy!, x); // 6x = 18
 * String(d2y); // 'tensor(18.)'
 * ```
 */
export function grad<G extends Gradient<G>>(
  outputs: Variable<G> | ReadonlyArray<Variable<G>>,
  inputs: Variable<G> | ReadonlyArray<Variable<G>>,
  options: GradOptions<G> = {},
): (G | null)[] {
  options = checkedOptions('grad', options);
  const outs = (Array.isArray(outputs) ? outputs : [outputs]) as AnyVariable[];
  const ins = (Array.isArray(inputs) ? inputs : [inputs]) as AnyVariable[];
  requireVariables('grad', outs);
  requireVariables('grad', ins);
  const [roots, rootGrads] = rootsOf('grad', outs, options.gradOutputs as ReadonlyArray<Grad | null>);
  const targets = ins.map((v, i) => {
    const edge = gradientEdge(v);
    if (edge === null) throw new Error(`grad: input ${i} does not require grad`);
    return edge;
  });
  const captured = runBackward(roots, rootGrads, options, new Set(targets));
  return targets.map((node, i) => {
    const g = captured.get(node);
    if (g !== undefined) return g as unknown as G;
    if (options.allowUnused) return null;
    throw new Error(
      `grad: input ${i} was not used in the graph of the outputs; pass allowUnused: true if that is intended`,
    );
  });
}
