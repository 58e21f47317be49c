import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Import cycles among a package's TypeScript sources: the strongly connected components (of
 * more than one module) of the graph of value imports and re-exports between relative paths.
 * Type-only imports (`import type`, or every name marked `type`) vanish from the JavaScript and
 * are left out.
 */

/** The modules each module imports values from (resolved paths of relative imports). */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const IMPORT = /^(?:import|export)\s+([\s\S]*?)\s+from\s+'([^']+)';/gm;

function isTypeOnly(clause: string): boolean {
  if (/^type\s/.test(clause)) return true;
  const names = clause.match(/^\{([\s\S]*)\}$/);
  if (names === null) return false;
  const specifiers = (names[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return specifiers.length > 0 && specifiers.every((s) => s.startsWith('type '));
}

/** The value imports of one module's source text, resolved against its path. */
export function valueImports(file: string, source: string): string[] {
  const out: string[] = [];
  for (const [, clause = '', from = ''] of source.matchAll(IMPORT)) {
    if (!from.startsWith('.') || isTypeOnly(clause.trim())) continue;
    out.push(resolve(dirname(file), from.replace(/\.js$/, '.ts')));
  }
  return out;
}

function sourcesBelow(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourcesBelow(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The import graph of every .ts file below `dir`. */
export function importGraph(dir: string): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const file of sourcesBelow(dir)) graph.set(file, valueImports(file, readFileSync(file, 'utf8')));
  return graph;
}

/** The cycles of `graph` (Tarjan's strongly connected components), each sorted, paths relative to `root`. */
export function importCycles(graph: ImportGraph, root = '/'): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
