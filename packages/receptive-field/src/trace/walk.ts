import type { Node } from '@fovea/autograd';
import type { Tensor } from '@fovea/tensor';
import type { ModuleCall } from './module-calls.js';

export type GraphNode = Node<Tensor>;

/**
 * The nodes behind `output` through which the gradient reaches `input`'s accumulator: the ops
 * that carry the input forward. Parameters, buffers and constants are left out. In the order
 * of a depth-first post-order walk (inputs before the ops that read them, first inputs first,
 * which is the order a forward usually runs the branches of a block in).
 */
export function nodesOnInputPaths(output: GraphNode, input: GraphNode): GraphNode[] {
  const reaches = new Map<GraphNode, boolean>();
  const order: GraphNode[] = [];
  // Iterative, so that a network thousands of layers deep does not overflow the stack.
  const stack: { node: GraphNode; next: number }[] = [{ node: output, next: 0 }];
  const seen = new Set<GraphNode>([output]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.next.length) {
      const child = top.node.next[top.next++];
      if (child !== null && !seen.has(child)) {
        seen.add(child);
        stack.push({ node: child, next: 0 });
      }
      continue;
    }
    stack.pop();
    const node = top.node;
    const on = node === input || node.next.some((c) => c !== null && reaches.get(c) === true);
    reaches.set(node, on);
    if (on) order.push(node);
  }
  return order;
}

export interface Ownership {
  /** For a node some module returned: the innermost such call (the first to return it). */
  owner: Map<GraphNode, ModuleCall>;
  /** For every node on the input's paths: the innermost module call it was computed in. */
  within: Map<GraphNode, ModuleCall>;
}

/**
 * Which module call computed each node. Calls are recorded as they return, inner ones first; a
 * call claims the nodes between its outputs and its inputs that no inner call has claimed.
 */
export function moduleOwnership(calls: readonly ModuleCall[], onPath: ReadonlySet<GraphNode>): Ownership {
  const owner = new Map<GraphNode, ModuleCall>();
  const within = new Map<GraphNode, ModuleCall>();
  for (const call of calls) {
    const stop = new Set(call.inputNodes);
    const outputs = call.outputNodes.filter((n) => onPath.has(n));
    for (const n of outputs) if (!owner.has(n) && !stop.has(n)) owner.set(n, call);
    const stack = [...outputs];
    const visited = new Set<GraphNode>();
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (visited.has(n) || stop.has(n) || !onPath.has(n)) continue;
      visited.add(n);
      if (!within.has(n)) within.set(n, call);
      for (const c of n.next) if (c !== null) stack.push(c);
    }
  }
  return { owner, within };
}
