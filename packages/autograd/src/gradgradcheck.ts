import { grad } from './engine.js';
import { enableGrad } from './grad-mode.js';
import { accessOf, type Checked, type GradcheckOptions, gradcheck, outputsOf } from './gradcheck.js';
import type { Gradient } from './variable.js';

/** The optional arguments of `gradgradcheck`: those of {@link GradcheckOptions}, and the output gradients. */
export interface GradgradcheckOptions<V> extends GradcheckOptions {
  /**
   * The vector of the vector-Jacobian product whose derivatives are checked: one per output
   * that requires grad, float64, requiring grad. By default random (uniform in [-1, 1), seeded).
   */
  gradOutputs?: ReadonlyArray<V>;
  /** Seed of the random `gradOutputs`. */
  seed?: number;
}

type Grad = Gradient<Grad>;

/** mulberry32: a small seeded generator, so a failing check replays. */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Checks second derivatives like `torch.autograd.gradgradcheck`: the first derivative, the
 * vector-Jacobian product of `fn` with `gradOutputs` computed with `createGraph`, is itself
 * checked by `gradcheck` against float64 central differences, as a function of the inputs and
 * of `gradOutputs`. Tolerances are gradcheck's (PyTorch's defaults: eps 1e-6, atol 1e-5,
 * rtol 1e-3).
 */
// biome-ignore lint/suspicious/noExplicitAny: any value type with element access can be checked
export function gradgradcheck<V extends Checked<any>>(
  fn: (...inputs: V[]) => unknown,
  inputs: ReadonlyArray<V>,
  options: GradgradcheckOptions<V> = {},
): boolean {
  const { gradOutputs: given, seed = 0, ...tolerances } = options;
  const outputs = enableGrad(() => outputsOf<V>(fn(...inputs))).filter((o) => o.requiresGrad);
  if (outputs.length === 0) throw new Error('gradgradcheck: no output requires grad');
  let gradOutputs: ReadonlyArray<V>;
  if (given !== undefined) {
    if (given.length !== outputs.length) {
      throw new Error(
        `gradgradcheck: got ${given.length} gradOutputs for ${outputs.length} outputs that require grad`,
      );
    }
    gradOutputs = given;
  } else {
    const random = uniform(seed);
    gradOutputs = outputs.map((out, k) => {
      const access = accessOf<V>(out, `output ${k}`);
      if (access.leafOf === undefined) {
        throw new Error(`gradgradcheck: output ${k} cannot make random gradOutputs; pass gradOutputs`);
      }
      return access.leafOf(Float64Array.from({ length: access.numel }, () => 2 * random() - 1));
    });
  }
  const n = inputs.length;
  const firstDerivative = (...all: V[]) =>
    enableGrad(() => {
      const xs = all.slice(0, n);
      const outs = outputsOf<Grad>(fn(...xs)).filter((o) => o.requiresGrad);
      const grads = grad<Grad>(
        outs,
        (xs as unknown as Checked<Grad>[]).filter((x) => x.requiresGrad),
        { gradOutputs: all.slice(n) as unknown as Grad[], createGraph: true, allowUnused: true },
      );
      return grads.filter((g) => g !== null);
    });
  return gradcheck(firstDerivative, [...inputs, ...gradOutputs], tolerances);
}
