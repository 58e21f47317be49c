import { Tensor } from '@fovea/tensor';
import type { Module } from './module.js';
import { joinName } from './naming.js';
import { Parameter } from './parameter.js';

/** A module's own parameters, buffers and children, in property order (Module's `#own()`). */
export interface OwnMembers {
  parameters: [string, Parameter][];
  /** With whether each is persistent (saved in state dicts). */
  buffers: [string, Tensor, boolean][];
  children: [string, Module][];
  /** Lazy parameters still waiting for their shape (see `declareUninitialized`). */
  uninitialized: ReadonlySet<string>;
}

/**
 * The own members of `module`: its properties in assignment order that hold a parameter, a
 * registered buffer (`buffers`: name -> persistent) or a submodule, skipping lazy parameters
 * still without a value. `moduleClass` is Module, passed in because module.ts imports this file.
 */
export function ownMembers(
  module: Module,
  buffers: ReadonlyMap<string, boolean>,
  uninitialized: ReadonlySet<string>,
  moduleClass: abstract new (...args: never[]) => Module,
): OwnMembers {
  const parameters: [string, Parameter][] = [];
  const ownBuffers: [string, Tensor, boolean][] = [];
  const children: [string, Module][] = [];
  const self = module as unknown as Record<string, unknown>;
  for (const name of Object.keys(module)) {
    if (uninitialized.has(name)) continue;
    const value = self[name];
    const persistent = buffers.get(name);
    if (persistent !== undefined) {
      if (value instanceof Tensor) ownBuffers.push([name, value, persistent]);
    } else if (value instanceof Parameter) parameters.push([name, value]);
    else if (value instanceof moduleClass) children.push([name, value]);
  }
  return { parameters, buffers: ownBuffers, children, uninitialized };
}

/** How the helpers here read a module's private members: Module passes its `#own()`. */
export type MembersOf = (module: Module) => OwnMembers;

/**
 * What `pick` finds in each of `modules`, under dotted names, each value once (a parameter or
 * buffer shared by two modules keeps the first name), as `namedParameters` and `namedBuffers`
 * list them.
 */
export function uniqueNamed<T>(
  modules: readonly [string, Module][],
  pick: (module: Module) => readonly (readonly [string, T, ...unknown[]])[],
): [string, T][] {
  const seen = new Set<T>();
  const out: [string, T][] = [];
  for (const [moduleName, module] of modules) {
    for (const [name, value] of pick(module)) {
      if (seen.has(value)) continue;
      seen.add(value);
      out.push([joinName(moduleName, name), value]);
    }
  }
  return out;
}

/** `root` and every module under it, depth first, each once, with dotted names (`root`'s is `prefix`). */
export function walkModules(root: Module, prefix: string, membersOf: MembersOf): [string, Module][] {
  const out: [string, Module][] = [];
  const seen = new Set<Module>();
  const visit = (module: Module, name: string) => {
    if (seen.has(module)) return;
    seen.add(module);
    out.push([name, module]);
    for (const [childName, child] of membersOf(module).children) visit(child, joinName(name, childName));
  };
  visit(root, prefix);
  return out;
}
