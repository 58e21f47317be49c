import type { OnnxNode } from './read-graph.js';

function describe(node: OnnxNode): string {
  return `importOnnx: ${node.opType} '${node.name}'`;
}

export function numberAttribute(node: OnnxNode, name: string, fallback: number): number {
  const value = node.attributes.get(name);
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new Error(`${describe(node)}: attribute ${name} should be a number`);
  return value;
}

export function intsAttribute(node: OnnxNode, name: string, fallback: number[]): number[] {
  const value = node.attributes.get(name);
  if (value === undefined) return fallback;
  if (!Array.isArray(value))
    throw new Error(`${describe(node)}: attribute ${name} should be a list of integers`);
  return value;
}

export function stringAttribute(node: OnnxNode, name: string, fallback: string): string {
  const value = node.attributes.get(name);
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new Error(`${describe(node)}: attribute ${name} should be a string`);
  return value;
}
