import {
  FunctionNode,
  type GradientMemory,
  gradientEdge,
  isGradEnabled,
  setGradientMemory,
} from '@fovea/autograd';
import { giveBack } from './array-pool.js';
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

/**
 * @internal How tensors share memory and give it back, registered with the engine on load: a
 * gradient the engine alone held goes back to the pool allocateForOverwrite draws from
 * (array-pool.ts). A graph may carry other values too (a module's backward hooks send theirs
 * through the engine together): those share nothing and give nothing back.
 */
export const tensorGradientMemory: GradientMemory<Tensor> = {
  shares: (a, b) => {
    const memory = memoryOf(a);
    return memory !== undefined && memory === memoryOf(b);
  },
  giveBack: (g) => giveBack((g as Partial<Tensor>).storage?.host),
};

/** A host storage's ArrayBuffer (two storages may wrap one array), else the storage itself. */
function memoryOf(g: Tensor): object | undefined {
  const storage = (g as Partial<Tensor>).storage;
  return storage?.host?.buffer ?? storage;
}
setGradientMemory(tensorGradientMemory);

export type BackwardClosure = (gradOutput: Tensor) => ReadonlyArray<Tensor | null>;

/** Whether an op on these inputs must record history. */
export function needsGrad(...inputs: ReadonlyArray<Tensor | null | undefined | number | boolean>): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (typeof t === 'object' && t !== null && t.requiresGrad) return true;
  return false;
}

/**
 * The tensors a backward closure reads, leaving out those only the gradient of an input that
 * needs none would read: an in-place write to them later is then no error, as in PyTorch.
 */
export function saving(...tensors: (Tensor | false)[]): Tensor[] {
  return tensors.filter((t): t is Tensor => t !== false);
}

/**
 * Gives `out` its place in the backward graph: a node named like PyTorch's (`MulBackward0`)
 * whose closure maps the gradient of `out` to gradients of `inputs`. Tensors the closure reads
 * are listed in `saved`, so an in-place write to them after the forward is caught, as in PyTorch;
 * backward then drops the closure. A closure with nothing saved stays, so that backward can run
 * through it again: it must hold no tensor, or the last loss of a training loop would keep every
 * activation alive into the next step. Make it in a function of its own from shapes and
 * parameters (V8 gives all closures of a function the variables any of them captures). The
 * closure returns new tensors or views of its gradient, never a tensor held elsewhere: the
 * engine gives the array of a gradient it alone held back to the pool (array-pool.ts).
 * The node's `attributes` hold the input and output shapes and any op geometry given, for tools
 * that analyse a traced graph (receptive fields).
 */
export function record(
  name: string,
  out: Tensor,
  inputs: ReadonlyArray<Tensor | null>,
  backward: BackwardClosure,
  saved: ReadonlyArray<Tensor> = [],
  attributes: Readonly<Record<string, unknown>> = {},
): Tensor {
  if (!needsGrad(...inputs)) return out;
  const next = inputs.map((t) => (t?.requiresGrad ? gradientEdge(t) : null));
  const versions = saved.map((t) => t.storage.version);
  const beforeApply =
    saved.length === 0
      ? undefined
      : () => {
          saved.forEach((t, i) => {
            if (t.storage.version !== versions[i]) {
              throw new Error(
                `one of the variables needed for gradient computation has been modified by an inplace ` +
                  `operation: [${t.dtype} ${formatShape(t.shape)}], used by ${name}, is at version ` +
                  `${t.storage.version}; expected version ${versions[i]} instead.`,
              );
            }
          });
        };
  const described = {
    ...attributes,
    inputShapes: inputs.map((t) => t?.shape ?? null),
    outputShape: out.shape,
  };
  out.setGradFn(
    new FunctionNode(name, next, backward, {
      savesValues: saved.length > 0,
      beforeApply,
      // Every op's backward reads its gradient and returns new tensors or views of it.
      keepsGradient: false,
      attributes: described,
    }),
  );
  return out;
}
