import { isGradEnabled } from '@fovea/autograd';
import { isShapesOnly } from '@fovea/tensor';
import { BackwardHook, type FullBackwardHook } from './backward-hook.js';
import type { Module } from './module.js';

/**
 * `hook(module, inputs)` before forward: `inputs` is the array of forward's arguments. Returning
 * an array replaces them; returning any other value (not undefined or null) replaces them with
 * that one value, as PyTorch wraps a result that is not a tuple.
 */
export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown;

/** `hook(module, inputs, output)` after forward; a returned value (not undefined or null) replaces the output. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

/** The optional arguments of the hook registrations, PyTorch's `prepend`. */
export interface HookOptions {
  /** Run this hook before those registered earlier instead of after them. */
  prepend?: boolean;
}

/** The optional arguments of `registerForwardHook`, PyTorch's `prepend` and `always_call`. */
export interface ForwardHookOptions extends HookOptions {
  /** Run this hook even when forward throws (with `output` undefined); the error is then re-thrown. */
  alwaysCall?: boolean;
}

/** What registering a hook returns: `remove()` unregisters it (again is harmless). */
export interface RemovableHandle {
  /** A number unique to this registration. */
  readonly id: number;
  /** Unregisters the hook (calling it again does nothing). */
  remove(): void;
}

interface Entry<H> {
  id: number;
  hook: H;
  alwaysCall: boolean;
}

/** A module's hooks, and the `forward` it had before its hooks wrapped it. */
interface ModuleHooks {
  forwardPre: Entry<ForwardPreHook>[];
  forward: Entry<ForwardHook>[];
  backward: Entry<FullBackwardHook>[];
  /** The module's own `forward` property before the wrapper (undefined: the class's method). */
  ownForward: PropertyDescriptor | undefined;
  wrapper: (...inputs: unknown[]) => unknown;
}

export type HookKind = 'forwardPre' | 'forward' | 'backward';

// Kept beside the module, not in it: hooks are no parameter, child or state-dict entry.
const registry = new WeakMap<Module, ModuleHooks>();
let nextId = 0;

/**
 * The forward the wrapper stands for: the module's own before it, or its class's, looked up per
 * call (a LazyConv2d that became a Conv2d then runs Conv2d's).
 */
function innerForward(module: Module, hooks: ModuleHooks): (...inputs: unknown[]) => unknown {
  return hooks.ownForward?.value ?? Object.getPrototypeOf(module).forward;
}

/** PyTorch's `Module._call_impl`, for a module that has hooks. */
function callWithHooks(module: Module, hooks: ModuleHooks, inputs: unknown[]): unknown {
  let args = inputs;
  for (const { hook } of [...hooks.forwardPre]) {
    const result = hook(module, args);
    if (result !== undefined && result !== null) args = Array.isArray(result) ? result : [result];
  }
  const backwardHook =
    hooks.backward.length > 0 && isGradEnabled() && !isShapesOnly()
      ? new BackwardHook(
          module,
          hooks.backward.map((e) => e.hook),
        )
      : null;
  if (backwardHook !== null) args = backwardHook.setupInputs(args);
  const forwardHooks = [...hooks.forward];
  let output: unknown;
  try {
    output = innerForward(module, hooks).apply(module, args);
  } catch (error) {
    for (const { hook, alwaysCall } of forwardHooks) if (alwaysCall) hook(module, args, undefined);
    throw error;
  }
  for (const { hook } of forwardHooks) {
    const result = hook(module, args, output);
    if (result !== undefined && result !== null) output = result;
  }
  return backwardHook === null ? output : backwardHook.setupOutputs(output);
}

function hookCount(hooks: ModuleHooks): number {
  return hooks.forwardPre.length + hooks.forward.length + hooks.backward.length;
}

/**
 * Module hooks must fire however forward is reached (a container's `module.forward(x)`, a model's
 * `this.conv1.forward(x)`), and there is no `__call__` to put them in: a module with hooks gets
 * its own non-enumerable `forward` that runs them around its class's; the last `remove()` takes
 * it away again, so a module without hooks runs as if hooks did not exist.
 */
function hooksOf(module: Module): ModuleHooks {
  let hooks = registry.get(module);
  if (hooks === undefined) {
    const created: ModuleHooks = {
      forwardPre: [],
      forward: [],
      backward: [],
      ownForward: Object.getOwnPropertyDescriptor(module, 'forward'),
      wrapper: (...inputs: unknown[]) => callWithHooks(module, created, inputs),
    };
    Object.defineProperty(module, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: created.wrapper,
    });
    registry.set(module, created);
    hooks = created;
  }
  return hooks;
}

function release(module: Module, hooks: ModuleHooks): void {
  if (hookCount(hooks) > 0 || registry.get(module) !== hooks) return;
  registry.delete(module);
  // Another wrapper may have been put over this one meanwhile (a receptive-field trace): it then
  // keeps calling this one, which without hooks only calls through.
  if (Object.getOwnPropertyDescriptor(module, 'forward')?.value !== hooks.wrapper) return;
  if (hooks.ownForward === undefined) Reflect.deleteProperty(module, 'forward');
  else Object.defineProperty(module, 'forward', hooks.ownForward);
}

/** Adds `hook` to the module's hooks of one kind (`op` names the method in errors). */
export function registerHook<K extends HookKind>(
  module: Module,
  op: string,
  kind: K,
  hook: ModuleHooks[K][number]['hook'],
  options: ForwardHookOptions = {},
): RemovableHandle {
  if (typeof hook !== 'function') {
    throw new TypeError(`${op}: hook should be a function, got ${hook === null ? 'null' : typeof hook}`);
  }
  const hooks = hooksOf(module);
  const entry = { id: nextId++, hook, alwaysCall: options.alwaysCall ?? false };
  const list = hooks[kind] as Entry<typeof hook>[];
  if (options.prepend) list.unshift(entry);
  else list.push(entry);
  return {
    id: entry.id,
    remove: () => {
      const at = list.indexOf(entry);
      if (at < 0) return;
      list.splice(at, 1);
      release(module, hooks);
    },
  };
}
