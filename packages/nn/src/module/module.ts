import { noGrad } from '@fovea/autograd';
import { argumentError, checkBoolean, checkOptions, type Device, Tensor } from '@fovea/tensor';
import type { FullBackwardHook } from './backward-hook.js';
import { moveToDevice } from './device.js';
import * as hooks from './hooks.js';
import { LazySlots } from './lazy-slots.js';
import type { OwnMembers } from './members.js';
import { ownMembers, uniqueNamed, walkModules } from './members.js';
import { checkMember, checkName, checkPrefix, describe, inherited, listingOptions } from './naming.js';
import type {
  BufferOptions,
  LoadReport,
  LoadStateDictOptions,
  NamedOptions,
  StateDictOptions,
} from './options.js';
import { Parameter } from './parameter.js';
import { addIndent, moduleRepr } from './repr.js';
import {
  collectStateDict,
  type IncompatibleKeys,
  loadOwnEntries,
  type StateDict,
  type StateDictLike,
  stateDictEntries,
  throwLoadErrors,
} from './state-dict.js';

/**
 * The base of every layer and model, like `torch.nn.Module`. A subclass assigns its parameters
 * and submodules to properties (`this.conv1 = new Conv2d(...)`); they are found from the
 * instance's own properties, in assignment order, and named by them, so state dicts carry
 * PyTorch's keys (`features.0.weight`). Buffers (tensors that are state but not learned, such as
 * batch norm's running statistics) are declared with `registerBuffer`.
 *
 * @example
 * ```ts
 * import { Conv2d, Linear, Module, ReLU } from '@fovea/nn';
 * import type { Tensor } from '@fovea/tensor';
 *
 * class Net extends Module {
 *   conv = new Conv2d(1, 4, 3);
 *   relu = new ReLU();
 *   fc = new Linear(4 * 26 * 26, 10);
 *   override forward(x: Tensor): Tensor {
 *     return this.fc.forward(this.relu.forward(this.conv.forward(x)).flatten(1));
 *   }
 * }
 * const net = new Net();
 * net.namedParameters().map(([name]) => name); // ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']
 * ```
 */
export class Module {
  #training = true;
  /** Names of registered buffers, with whether each is persistent (saved in state dicts). */
  readonly #buffers = new Map<string, boolean>();
  /** Lazy parameters whose shape is not known yet (see `declareUninitialized`). */
  readonly #lazy = new LazySlots();

  /**
   * The class name in `toString()` and errors. Built-in layers set it explicitly, so that a
   * minified bundle prints `Conv2d(...)` all the same; other classes use their constructor's name.
   */
  static readonly moduleName?: string;

  /** PyTorch's `_get_name()`. */
  protected getName(): string {
    const ctor = this.constructor as { name: string; moduleName?: string };
    return Object.hasOwn(ctor, 'moduleName') && ctor.moduleName ? ctor.moduleName : ctor.name;
  }

  /**
   * Computes the module's output; every subclass defines it.
   *
   * @param _inputs - What the module computes on; each subclass says.
   * @returns The module's output.
   */
  forward(..._inputs: unknown[]): unknown {
    throw new Error(
      `${this.getName()}.forward: Module [${this.getName()}] is missing the required "forward" function`,
    );
  }

  // ---- registration ----

  /**
   * Declares `name` a buffer holding `tensor` (or nothing, for null) and assigns it to the
   * property of that name. Later assignments to the property replace the buffer's value.
   *
   * @param name - The property (and state-dict key) to hold the buffer.
   * @param tensor - The buffer's value, or null for none yet.
   * @param options - `persistent` (true): whether `stateDict()` includes it.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: BufferOptions = {}): void {
    const where = `${this.getName()}.registerBuffer`;
    checkMember(where, name, tensor, Tensor, 'buffer', 'a Tensor');
    const { persistent = true } = checkOptions(where, options);
    checkBoolean(where, 'persistent', persistent);
    const current = Object.getOwnPropertyDescriptor(this, name);
    if (
      (current !== undefined && current.value !== undefined && !this.#buffers.has(name)) ||
      inherited(this, name)
    ) {
      throw new Error(`${where}: attribute "${name}" already exists`);
    }
    this.#buffers.set(name, persistent);
    (this as Record<string, unknown>)[name] = tensor;
  }

  /**
   * Assigns a parameter (or null) to the property `name`, like PyTorch's `register_parameter`.
   *
   * @param name - The property (and state-dict key).
   * @param parameter - The parameter, or null.
   */
  registerParameter(name: string, parameter: Parameter | null): void {
    checkMember(
      `${this.getName()}.registerParameter`,
      name,
      parameter,
      Parameter,
      'parameter',
      'a Parameter',
      this,
    );
    (this as Record<string, unknown>)[name] = parameter;
  }

  /**
   * Assigns a submodule (or null) to the property `name`, like PyTorch's `add_module`.
   *
   * @param name - The property; the child's entries are keyed `name.*`.
   * @param module - The submodule, or null.
   */
  registerModule(name: string, module: Module | null): void {
    const where = `${this.getName()}.registerModule`;
    checkName(where, name);
    if (inherited(this, name)) throw new Error(`${where}: attribute "${name}" already exists`);
    if (module !== null && !(module instanceof Module)) {
      throw new TypeError(`${where}: ${describe(module)} is not a Module subclass`);
    }
    (this as Record<string, unknown>)[name] = module;
  }

  /**
   * Makes `name` a lazy parameter: reading the property throws `message` until `materialize` (or
   * an assignment) gives it a value. It keeps its place among the properties meanwhile.
   *
   * @param name - The property of the lazy parameter.
   * @param message - What reading it before it has a value throws.
   */
  protected declareUninitialized(name: string, message: string): void {
    this.#lazy.declare(this, name, message);
  }

  /**
   * Gives a lazy parameter its value; it becomes an ordinary property again.
   *
   * @param name - The lazy parameter's property.
   * @param value - Its value.
   */
  protected materialize(name: string, value: Parameter | null): void {
    this.#lazy.fill(this, name, value);
  }

  /** Whether the lazy parameter `name` (see `declareUninitialized`) still waits for its value. */
  protected isUninitialized(name: string): boolean {
    return this.#lazy.names.has(name);
  }

  /** Whether some parameter, here or in a submodule, waits for a first forward to get its shape. */
  hasUninitializedParameters(): boolean {
    return this.modules().some((m) => m.#lazy.names.size > 0);
  }

  // ---- discovery ----

  /** This module's own parameters, buffers and children, in property order. */
  #own(): OwnMembers {
    return ownMembers(this, this.#buffers, this.#lazy.names, Module);
  }

  /** Direct submodules with their property names (each module once). */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.#own().children.filter(([, m]) => !seen.has(m) && seen.add(m));
  }

  /** Direct submodules, each once, in property order. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every submodule, depth first, with dotted names (this one is `''`).
   *
   * @param prefix - Put before every name (`''`).
   */
  namedModules(prefix = ''): [string, Module][] {
    checkPrefix(`${this.getName()}.namedModules`, prefix);
    return walkModules(this, prefix, (module) => module.#own());
  }

  /** This module and every submodule, depth first, each once. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** The modules `namedParameters` and `namedBuffers` look in: all of them, or only this one. */
  #scope(method: string, options: NamedOptions): [string, Module][] {
    const { prefix, recurse } = listingOptions(`${this.getName()}.${method}`, options);
    return recurse ? this.namedModules(prefix) : [[prefix, this]];
  }

  /**
   * Parameters with their dotted names, in state-dict order, each parameter once.
   *
   * @param options - `prefix` for the names (`''`) and `recurse` (true): false for this module's
   * own parameters only.
   */
  namedParameters(options: NamedOptions = {}): [string, Parameter][] {
    return uniqueNamed(this.#scope('namedParameters', options), (module) => module.#own().parameters);
  }

  /**
   * Every parameter, here and in submodules, each once: what an optimizer takes.
   *
   * @param options - `recurse` (true): false for this module's own parameters only.
   */
  parameters(options: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(options).map(([, p]) => p);
  }

  /**
   * Buffers (persistent or not) with their dotted names, each buffer once.
   *
   * @param options - `prefix` for the names and `recurse` (true).
   */
  namedBuffers(options: NamedOptions = {}): [string, Tensor][] {
    return uniqueNamed(this.#scope('namedBuffers', options), (module) => module.#own().buffers);
  }

  /**
   * Every buffer, here and in submodules, each once.
   *
   * @param options - `recurse` (true): false for this module's own buffers only.
   */
  buffers(options: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(options).map(([, b]) => b);
  }

  // ---- modes and bulk operations ----

  /** True in training mode (the default), false after `eval()`. */
  get training(): boolean {
    return this.#training;
  }

  /**
   * Sets training mode here and in every submodule; returns this.
   *
   * @param mode - True for training (the default), false for evaluation.
   */
  train(mode = true): this {
    if (typeof mode !== 'boolean')
      throw new TypeError(`${this.getName()}.train: mode is expected to be boolean, got ${typeof mode}`);
    this.#training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout passes inputs through, batch norm uses running statistics. */
  eval(): this {
    return this.train(false);
  }

  /** Moves parameters and buffers to `device` (device.ts: build the optimizer afterwards); returns this. */
  to(device: Device): this {
    moveToDevice(this, device, `${this.getName()}.to`);
    return this;
  }

  /** Resets every parameter's gradient to null (PyTorch's default `set_to_none=True`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Calls `fn` on every submodule, then on this one (as used for custom initialization); returns
   * this.
   *
   * @param fn - Called with each module.
   *
   * @example
   * ```ts
   * import { Conv2d, init, Sequential } from '@fovea/nn';
   *
   * const net = new Sequential(new Conv2d(1, 4, 3), new Conv2d(4, 4, 3));
   * net.apply((m) => {
   *   if (m instanceof Conv2d) init.xavierUniform_(m.weight);
   * });
   * ```
   */
  apply(fn: (module: Module) => void): this {
    if (typeof fn !== 'function') throw argumentError(`${this.getName()}.apply`, 'fn', 'a function', fn);
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- state dicts ----

  /**
   * Every persistent parameter and buffer under its dotted name, in PyTorch's order: own
   * parameters, own buffers, then each child's entries. Values are detached tensors sharing
   * storage with the module (unless `keepVars`).
   *
   * @param options - `prefix` for the keys, and `keepVars` (false) to return the parameters
   * themselves instead of detached views.
   */
  stateDict(options: StateDictOptions = {}): StateDict {
    return collectStateDict(this, listingOptions(`${this.getName()}.stateDict`, options), (module) =>
      module.#own(),
    );
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers, in place and
   * without recording gradients. With `strict` (the default) missing and unexpected keys are an
   * error; a shape mismatch always is. The error lists every problem, as PyTorch's does.
   *
   * @param stateDict - Tensors by key, a plain object or a `Map` (from `stateDict()`, `load` or
   * `deserialize`).
   * @param options - `strict` (true).
   * @returns The keys that were missing and those that were unexpected (empty when `strict`).
   * @throws If `strict` and a key is missing or unexpected, or if a shape differs.
   */
  loadStateDict(stateDict: StateDictLike, options: LoadStateDictOptions = {}): IncompatibleKeys {
    // A lazy module may become another class while it loads; errors name the one called.
    const name = this.getName();
    const where = `${name}.loadStateDict`;
    const { strict = true } = checkOptions(where, options);
    checkBoolean(where, 'strict', strict);
    const entries = stateDictEntries(stateDict, where);
    const report: LoadReport = { missingKeys: [], unexpectedKeys: [], errors: [] };
    const visit = (module: Module, prefix: string) => {
      module.loadOwnState(entries, prefix, report);
      for (const [name, child] of module.#own().children) visit(child, `${prefix}${name}.`);
    };
    noGrad(() => visit(this, ''));
    throwLoadErrors(report, strict, name);
    return { missingKeys: report.missingKeys, unexpectedKeys: report.unexpectedKeys };
  }

  /**
   * Loads this module's own entries (keys `prefix + name`) and records what did not fit. A lazy
   * parameter takes the checkpoint's shape. Subclasses with extra state override and call super.
   *
   * @param entries - The state dict's entries by key.
   * @param prefix - This module's key prefix (`features.0.`).
   * @param report - Where missing and unexpected keys and errors are recorded.
   */
  protected loadOwnState(entries: ReadonlyMap<string, unknown>, prefix: string, report: LoadReport): void {
    loadOwnEntries(this.#own(), entries, prefix, report, (name, value) => this.materialize(name, value));
  }

  // ---- hooks (module/hooks.ts: they run whenever forward is called) ----

  /** `hook(module, inputs)` before each forward; a returned value replaces the inputs. */
  registerForwardPreHook(hook: hooks.ForwardPreHook, options?: hooks.HookOptions): hooks.RemovableHandle {
    return hooks.registerHook(this, `${this.getName()}.registerForwardPreHook`, 'forwardPre', hook, options);
  }

  /** `hook(module, inputs, output)` after each forward; a returned value replaces the output. */
  registerForwardHook(hook: hooks.ForwardHook, options?: hooks.ForwardHookOptions): hooks.RemovableHandle {
    return hooks.registerHook(this, `${this.getName()}.registerForwardHook`, 'forward', hook, options);
  }

  /** `hook(module, gradInputs, gradOutputs)` once per backward; a returned array replaces gradInputs. */
  registerFullBackwardHook(hook: FullBackwardHook, options?: hooks.HookOptions): hooks.RemovableHandle {
    return hooks.registerHook(this, `${this.getName()}.registerFullBackwardHook`, 'backward', hook, options);
  }

  // ---- printing ----

  /** The one-line description inside the parentheses (`1, 1, kernel_size=(1, 2), ...`). */
  extraRepr(): string {
    return '';
  }

  /** The module tree exactly as PyTorch prints it. */
  toString(): string {
    return moduleRepr(this.getName(), this.extraRepr(), this.childReprLines());
  }

  /** `(name): child` for each child, as PyTorch's `__repr__` lists them. */
  protected childReprLines(): string[] {
    return this.#own().children.map(([name, child]) => `(${name}): ${addIndent(String(child), 2)}`);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
