import type { Node } from './node.js';

/**
 * What the engine needs to give back the memory of gradients it alone held: a value type that
 * reuses memory (Tensor) registers one with `setGradientMemory`. Without one, the engine gives
 * nothing back and the garbage collector frees dead gradients when it runs.
 */
export interface GradientMemory<G> {
  /** Whether `a` and `b` read the same memory (a view of the other, or the same value). */
  shares(a: G, b: G): boolean;
  /** `g` is dead: the engine alone held it and is done with it, so its memory may be reused. */
  giveBack(g: G): void;
}

let registered: GradientMemory<unknown> | null = null;

/**
 * Registers how gradients of one value type share and give back memory (one type per program:
 * the last registration wins).
 *
 * @param memory - The value type's `shares` and `giveBack`, or null to give nothing back.
 */
export function setGradientMemory<G>(memory: GradientMemory<G> | null): void {
  registered = memory as GradientMemory<unknown> | null;
}

/**
 * The gradients of one backward pass that nobody but the engine holds: each was made by a node
 * that only reads the gradient it is given (`Node.keepsGradient` false: the ops' own nodes and
 * the leaves' accumulators, never a custom Function or a module's hook, which hand gradients to
 * user code), and shares its memory with no other gradient. A gradient given to backward, a
 * captured one (`grad`'s results) and a recorded one (`createGraph`) are never owned. Once
 * the node that reads an owned gradient has run, or it has been added to another, its memory is
 * given back unless the result shares it (a view, or the gradient passed on as it is: then the
 * result inherits the ownership).
 */
export class OwnedGradients<G> {
  private readonly owned = new Set<G>();

  private constructor(private readonly memory: GradientMemory<G>) {}

  /** The tracker of one backward pass, or null when nothing can be given back. */
  static forPass<G>(createGraph: boolean): OwnedGradients<G> | null {
    return createGraph || registered === null ? null : new OwnedGradients(registered as GradientMemory<G>);
  }

  /** `g` leaves the engine (a captured result of `grad`). */
  disown(g: G): void {
    this.owned.delete(g);
  }

  /** `node` turned `g` into `grads` (one per edge in `node.next`). */
  applied(node: Node<G>, g: G, grads: ReadonlyArray<G | null | undefined>): void {
    const wasOwned = this.owned.delete(g);
    if (node.keepsGradient) return;
    grads.forEach((gi, i) => {
      if (gi === null || gi === undefined || node.next[i] === null) return;
      if (grads.some((gj, j) => j !== i && gj !== null && gj !== undefined && this.memory.shares(gi, gj)))
        return;
      if (!wasOwned && this.memory.shares(gi, g)) return;
      this.owned.add(gi);
    });
    if (wasOwned && !grads.some((gi) => gi !== null && gi !== undefined && this.memory.shares(gi, g))) {
      this.memory.giveBack(g);
    }
  }

  /** `sum` is `a + b`, the two gradients that reached one node. */
  summed(a: G, b: G, sum: G): void {
    const ownedA = this.owned.delete(a);
    const ownedB = this.owned.delete(b);
    const sharesA = this.memory.shares(sum, a);
    const sharesB = this.memory.shares(sum, b);
    if ((!sharesA || ownedA) && (!sharesB || ownedB)) this.owned.add(sum);
    if (ownedA && !sharesA) this.memory.giveBack(a);
    if (ownedB && !sharesB) this.memory.giveBack(b);
  }
}
