import type { RFGraph, RFNode } from './types.js';

/**
 * The graph's nodes with every node after the nodes it reads (the given order when it already is
 * one), after checking ids are unique and every input exists, and that there is no cycle.
 */
export function topologicalOrder(graph: RFGraph, where: string): RFNode[] {
  const byId = new Map<string, RFNode>();
  for (const node of graph.nodes) {
    if (byId.has(node.id)) throw new Error(`${where}: two nodes have the id '${node.id}'`);
    byId.set(node.id, node);
  }
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (!byId.has(input)) {
        throw new Error(
          `${where}: node '${node.id}' (${node.name}) reads '${input}', which is not in the graph`,
        );
      }
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  const order: RFNode[] = [];
  for (const root of graph.nodes) {
    if (state.has(root.id)) continue;
    // Iterative depth-first search: a node is emitted once all of its inputs are.
    const stack: { node: RFNode; next: number }[] = [{ node: root, next: 0 }];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next === top.node.inputs.length) {
        stack.pop();
        state.set(top.node.id, 'done');
        order.push(top.node);
        continue;
      }
      const input = byId.get(top.node.inputs[top.next++])!;
      const seen = state.get(input.id);
      if (seen === 'open') throw new Error(`${where}: the graph has a cycle through '${input.id}'`);
      if (seen === undefined) {
        state.set(input.id, 'open');
        stack.push({ node: input, next: 0 });
      }
    }
  }
  return order;
}

/** The node to analyse: `graph.output`, or else the one node no other node reads. */
export function outputNode(graph: RFGraph, where: string): string {
  if (graph.output !== undefined) {
    if (!graph.nodes.some((n) => n.id === graph.output)) {
      throw new Error(`${where}: output '${graph.output}' is not in the graph`);
    }
    return graph.output;
  }
  const read = new Set(graph.nodes.flatMap((n) => n.inputs));
  const sinks = graph.nodes.filter((n) => !read.has(n.id)).map((n) => n.id);
  if (sinks.length !== 1) {
    throw new Error(
      `${where}: expected one node that no other node reads, got ${sinks.length} (${sinks.join(', ')}); ` +
        'name the output with graph.output',
    );
  }
  return sinks[0];
}
