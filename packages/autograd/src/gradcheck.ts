import { grad } from './engine.js';
import { noGrad } from './grad-mode.js';
import type { Gradient, Variable } from './variable.js';

/**
 * Element access that `gradcheck` needs: a variable (and its gradients) exposes it under this
 * symbol. Tensors do; the engine itself knows nothing of arrays.
 */
export const numericAccess: unique symbol = Symbol.for('@fovea/autograd.numericAccess');

/**
 * How gradcheck reads and perturbs a value's elements, which a value type (`Tensor`) provides
 * through its `[numericAccess]()` method.
 */
export interface NumericAccess<G> {
  /** The number of elements. */
  readonly numel: number;
  /** Whether values are float64, which finite differences need to be meaningful. */
  readonly isDouble: boolean;
  /**
   * Reads one element as a number.
   *
   * @param index - Position in the flattened value.
   */
  get(index: number): number;
  /**
   * Writes one element without recording history (to perturb inputs).
   *
   * @param index - Position in the flattened value.
   * @param value - The new value.
   */
  set(index: number, value: number): void;
  /**
   * A gradient of this value's shape that is one at `index` and zero elsewhere.
   *
   * @param index - Position in the flattened value.
   */
  basis(index: number): G;
  /**
   * A new leaf of this value's shape and dtype holding `values` (in row-major order) and
   * requiring grad: `gradgradcheck` draws its random `gradOutputs` with it.
   */
  leafOf?(values: ArrayLike<number>): G;
}

/** A value whose elements gradcheck can read and perturb (see {@link NumericAccess}). */
export interface Numeric<G> {
  /** The element access of this value. */
  [numericAccess](): NumericAccess<G>;
}

/** The optional arguments of {@link gradcheck}, `torch.autograd.gradcheck`'s keywords camelCased. */
export interface GradcheckOptions {
  /** Finite-difference step (PyTorch: 1e-6). */
  eps?: number;
  /** Absolute tolerance (PyTorch: 1e-5). */
  atol?: number;
  /** Relative tolerance (PyTorch: 1e-3). */
  rtol?: number;
  /** Throw on a mismatch (the default) or return false. */
  raiseException?: boolean;
}

/**
 * The error `gradcheck` throws when a gradient differs from its finite difference: it shows both
 * Jacobians.
 */
export class GradcheckError extends Error {
  /** `'GradcheckError'`. */
  override name = 'GradcheckError';
}

export type Checked<G> = Variable<G> & Numeric<G>;
type Grad = Gradient<Grad>;

export function accessOf<G>(v: unknown, what: string): NumericAccess<G> {
  const access = (v as Partial<Numeric<G>>)[numericAccess];
  if (typeof access !== 'function') throw new Error(`gradcheck: ${what} does not support element access`);
  return access.call(v);
}

export function outputsOf<G>(result: unknown): Checked<G>[] {
  return (Array.isArray(result) ? result : [result]) as Checked<G>[];
}

function format(values: Float64Array[]): string {
  return values.map((row) => `[${Array.from(row, (x) => x.toPrecision(6)).join(', ')}]`).join('\n');
}

/**
 * Compares the gradients computed by backward with float64 central differences, entry by entry
 * of the Jacobian, like `torch.autograd.gradcheck`: |analytical - numerical| <= atol + rtol * |numerical|.
 *
 * @param fn - The function to check, of the inputs.
 * @param inputs - The inputs; those that require grad are checked, and should be float64.
 * @param options - `eps` (1e-6), `atol` (1e-5), `rtol` (1e-3), `raiseException` (true).
 * @returns True when every entry matches (false on a mismatch without `raiseException`).
 * @throws `GradcheckError` on a mismatch, with both Jacobians.
 *
 * @example
 * ```ts
 * import { gradcheck } from '@fovea/autograd';
 * import { rand } from '@fovea/tensor';
 *
 * const x = rand([3], { dtype: 'float64', requiresGrad: true });
 * gradcheck((t) => t.mul(t).exp(), [x]); // true
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: any value type with element access can be checked
export function gradcheck<V extends Checked<any>>(
  fn: (...inputs: V[]) => unknown,
  inputs: ReadonlyArray<V>,
  options: GradcheckOptions = {},
): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = options;
  const diffInputs = inputs.filter((x) => x.requiresGrad);
  if (diffInputs.length === 0) throw new Error('gradcheck: no input requires grad');
  inputs.forEach((x, i) => {
    if (x.requiresGrad && !accessOf(x, `input ${i}`).isDouble) {
      throw new Error(
        `gradcheck: input ${i} requires grad but is not float64; finite differences need double precision`,
      );
    }
  });
  const outputs = outputsOf<Grad>(fn(...inputs));
  for (const [k, out] of outputs.entries()) {
    const outAccess = accessOf<Grad>(out, `output ${k}`);
    for (const [i, x] of diffInputs.entries()) {
      const xAccess = accessOf<Grad>(x, `input ${i}`);
      // Jacobian rows: one per input element, one column per output element.
      const numerical = Array.from({ length: xAccess.numel }, () => new Float64Array(outAccess.numel));
      const analytical = Array.from({ length: xAccess.numel }, () => new Float64Array(outAccess.numel));
      noGrad(() => {
        for (let e = 0; e < xAccess.numel; e++) {
          const original = xAccess.get(e);
          xAccess.set(e, original + eps);
          const plus = accessOf<Grad>(outputsOf<Grad>(fn(...inputs))[k], 'output');
          const plusValues = Array.from({ length: plus.numel }, (_, j) => plus.get(j));
          xAccess.set(e, original - eps);
          const minus = accessOf<Grad>(outputsOf<Grad>(fn(...inputs))[k], 'output');
          // Read before restoring the input: an output may be a view sharing the input's memory.
          for (let j = 0; j < plus.numel; j++) numerical[e][j] = (plusValues[j] - minus.get(j)) / (2 * eps);
          xAccess.set(e, original);
        }
      });
      if (out.requiresGrad) {
        for (let j = 0; j < outAccess.numel; j++) {
          const [g] = grad(out, x, {
            gradOutputs: [outAccess.basis(j)],
            retainGraph: true,
            allowUnused: true,
          });
          if (g === null) continue;
          const gAccess = accessOf<Grad>(g, 'gradient');
          for (let e = 0; e < xAccess.numel; e++) analytical[e][j] = gAccess.get(e);
        }
      }
      for (let e = 0; e < xAccess.numel; e++) {
        for (let j = 0; j < outAccess.numel; j++) {
          const a = analytical[e][j];
          const n = numerical[e][j];
          if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
            if (!raiseException) return false;
            throw new GradcheckError(
              `Jacobian mismatch for output ${k} with respect to input ${i} at element ${e}, output element ${j}:\n` +
                `numerical:\n${format(numerical)}\nanalytical:\n${format(analytical)}`,
            );
          }
        }
      }
    }
  }
  return true;
}
