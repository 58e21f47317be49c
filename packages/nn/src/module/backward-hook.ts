import { gradientEdge, Node } from '@fovea/autograd';
import { Tensor, zeros } from '@fovea/tensor';
import type { Module } from './module.js';
import { formatShape } from './naming.js';

/** The gradients of a module's inputs (or outputs), null where PyTorch gives None. */
export type Gradients = (Tensor | null)[];

/**
 * `hook(module, gradInputs, gradOutputs)`: called once per backward through the module, with the
 * gradients with respect to each of forward's arguments and each of its outputs, null where
 * PyTorch gives None (not a tensor; an output that got no gradient; every input when none
 * requires grad). Returning an array (of the same length) replaces the gradients of the inputs.
 */
export type FullBackwardHook = (
  module: Module,
  gradInputs: Gradients,
  gradOutputs: Gradients,
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing is the usual case
) => Gradients | undefined | null | void;

/**
 * The gradients of several tensors travelling as one through the engine, which hands a node a
 * single gradient: each tensor's identity node fills its slot, and the engine's sum of what
 * reaches the joint node merges the slots.
 */
class GradientSlots {
  constructor(readonly slots: Gradients) {}

  add(other: GradientSlots): GradientSlots {
    return new GradientSlots(
      this.slots.map((g, i) => {
        const h = other.slots[i];
        return g === null ? h : h === null ? g : g.add(h);
      }),
    );
  }
}

/** One tensor's identity: its gradient goes, in its slot, to the joint node. */
class SlotNode extends Node<Tensor> {
  constructor(
    joint: JointNode,
    private readonly slot: number,
    shape: readonly number[],
  ) {
    super('BackwardHookFunctionBackward', [joint as unknown as Node<Tensor>]);
    this.attributes = { inputShapes: [shape], outputShape: shape };
  }

  apply(gradOutput: Tensor): Tensor[] {
    const slots: Gradients = (this.next[0] as unknown as JointNode).next.map(() => null);
    slots[this.slot] = gradOutput;
    return [new GradientSlots(slots) as unknown as Tensor];
  }
}

/**
 * Where the gradients of all the wrapped tensors meet (PyTorch's one multi-output
 * `BackwardHookFunctionBackward`): `onGradients` sees them together and may replace them before
 * they flow on to the tensors the module was given (or computed).
 */
class JointNode extends Node<GradientSlots> {
  constructor(
    next: ReadonlyArray<Node<unknown> | null>,
    private readonly onGradients: (grads: Gradients) => Gradients,
  ) {
    super('BackwardHookFunctionBackward', next as ReadonlyArray<Node<GradientSlots> | null>);
  }

  apply(gradOutput: GradientSlots): GradientSlots[] {
    return this.onGradients(gradOutput.slots) as unknown as GradientSlots[];
  }
}

/** Places `values` at `indices` of an array of `size` nulls (PyTorch's `_pack_with_none`). */
function packWithNone(indices: readonly number[], values: Gradients, size: number): Gradients {
  const out: Gradients = new Array(size).fill(null);
  indices.forEach((index, i) => {
    out[index] = values[i] ?? null;
  });
  return out;
}

/**
 * PyTorch's `torch.utils.hooks.BackwardHook` for one forward call: the module's tensor inputs
 * and outputs pass through identity nodes, so that one backward hands the hooks the gradients
 * with respect to the outputs (first) and then to the inputs, together.
 */
export class BackwardHook {
  #gradOutputs: Gradients | null = null;
  #inputs: unknown[] = [];
  #inputIndices: number[] | null = null;
  #outputCount = 0;
  #outputIndices: number[] = [];

  constructor(
    private readonly module: Module,
    private readonly hooks: readonly FullBackwardHook[],
  ) {}

  /** Wraps the tensor inputs in identities whose gradients reach the hooks (if one requires grad). */
  setupInputs(inputs: unknown[]): unknown[] {
    this.#inputs = inputs;
    const wrapped = this.#wrap(inputs, (grads) => this.#onInputGradients(grads));
    this.#inputIndices = wrapped?.indices ?? null;
    return wrapped?.values ?? inputs;
  }

  /** Wraps the outputs (a tensor, or an array of results) likewise. */
  setupOutputs(output: unknown): unknown {
    const outputs = Array.isArray(output) ? output : [output];
    this.#outputCount = outputs.length;
    const wrapped = this.#wrap(outputs, (grads) => this.#onOutputGradients(grads));
    if (wrapped === null) return output;
    this.#outputIndices = wrapped.indices;
    return Array.isArray(output) ? wrapped.values : wrapped.values[0];
  }

  /**
   * As PyTorch's `_apply_on_tensors`: when some tensor among `values` requires grad, every tensor
   * gets a slot (`indices`), and those that require grad an identity feeding it.
   */
  #wrap(
    values: unknown[],
    onGradients: (grads: Gradients) => Gradients,
  ): { values: unknown[]; indices: number[] } | null {
    const indices = values.flatMap((v, i) => (v instanceof Tensor ? [i] : []));
    const tensors = indices.map((i) => values[i] as Tensor);
    if (!tensors.some((t) => t.requiresGrad)) return null;
    const joint = new JointNode(
      tensors.map((t) => (t.requiresGrad ? gradientEdge(t) : null)),
      onGradients,
    );
    const out = [...values];
    tensors.forEach((tensor, slot) => {
      if (!tensor.requiresGrad) return;
      const alias = tensor.detach();
      alias.setGradFn(new SlotNode(joint, slot, tensor.shape));
      out[indices[slot]] = alias;
    });
    return { values: out, indices };
  }

  #onOutputGradients(grads: Gradients): Gradients {
    this.#gradOutputs = packWithNone(this.#outputIndices, grads, this.#outputCount);
    if (this.#inputIndices === null) {
      // No input requires grad: the hooks run now, and can replace nothing.
      const gradInputs: Gradients = new Array(this.#inputs.length).fill(null);
      for (const hook of this.hooks) {
        const result = hook(this.module, [...gradInputs], this.#gradOutputs);
        if (result != null && !(Array.isArray(result) && result.every((g) => g == null))) {
          throw new Error(
            'Backward hook for Modules where no input requires gradient should always return null or null for all gradients.',
          );
        }
      }
      this.#gradOutputs = null;
    }
    return grads;
  }

  #onInputGradients(grads: Gradients): Gradients {
    const indices = this.#inputIndices!;
    // A gradient that reached the inputs without passing through the outputs: no hook, as in PyTorch.
    if (this.#gradOutputs === null) return grads;
    // PyTorch's identity materialises what it did not receive as zeros, even for a tensor that
    // needs no gradient (an input that requires grad then accumulates those zeros).
    const materialized = indices.map((index, slot) => {
      const input = this.#inputs[index] as Tensor;
      return grads[slot] ?? zeros(input.shape, { dtype: input.dtype, device: input.device });
    });
    let gradInputs = packWithNone(indices, materialized, this.#inputs.length);
    for (const hook of this.hooks) {
      const result = hook(this.module, gradInputs, this.#gradOutputs);
      if (result == null) continue;
      if (!Array.isArray(result) || result.length !== gradInputs.length) {
        const got = Array.isArray(result) ? result.length : 'no array';
        throw new Error(
          `Backward hook returned an invalid number of grad_input, got ${got}, but expected ${gradInputs.length}`,
        );
      }
      gradInputs = result;
    }
    this.#gradOutputs = null;
    return indices.map((index) => this.#checkedGradient(gradInputs[index], index));
  }

  #checkedGradient(g: unknown, index: number): Tensor | null {
    const input = this.#inputs[index] as Tensor;
    if (g === null || g === undefined || !input.requiresGrad) return null;
    if (!(g instanceof Tensor) || formatShape(g.shape) !== formatShape(input.shape)) {
      const got = g instanceof Tensor ? `a gradient of shape ${formatShape(g.shape)}` : typeof g;
      throw new Error(
        `registerFullBackwardHook: a hook returned ${got} for input ${index} of shape ${formatShape(input.shape)}`,
      );
    }
    return g;
  }
}
