import { enableGrad, noGrad } from '@fovea/autograd';
import { argumentError, checkBoolean, checkOptions, describe, formatShape, Tensor } from '@fovea/tensor';
import { asMethod } from './checks.js';
import { copyValue, isGroupInput, isIterable, typeName } from './values.js';

/** The options every optimizer has; a scheduler changes `lr` in each group. */
export interface OptimizerOptions {
  /** Learning rate. */
  lr: number;
}

/** Per-parameter state: tensors (moment estimates, buffers) and numbers (the step count). */
export type ParamState = Record<string, Tensor | number>;

/** A parameter group as the optimizer holds it: its parameters and all of its options. */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & {
  params: Tensor[];
  /** The learning rate a scheduler started from, set by the first scheduler attached. */
  initialLr?: number;
};

/** A parameter group as given to a constructor: options it leaves out come from the defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & {
  params: Tensor | Iterable<Tensor>;
  initialLr?: number;
};

/** What an optimizer is built from: parameters, or parameter groups. */
export type Params<O extends OptimizerOptions = OptimizerOptions> =
  | Iterable<Tensor>
  | Iterable<ParamGroupInput<O>>;

/**
 * PyTorch's layout: state keyed by the parameter's index in the order the groups list them, and
 * each group's options with its parameters replaced by those indices.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: Array<{ params: number[]; [option: string]: unknown }>;
}

/**
 * The base of every optimizer, after `torch.optim.Optimizer`: parameter groups whose options
 * override the defaults, per-parameter state keyed by the parameter tensor, `step()` outside
 * autograd, `zeroGrad()`, and state dicts in PyTorch's layout.
 *
 * A subclass validates its options (`checkOptions`) and updates one parameter from its gradient
 * (`updateParam`), as `_single_tensor_*` does in torch/optim.
 */
export abstract class Optimizer<
  O extends OptimizerOptions = OptimizerOptions,
  S extends ParamState = ParamState,
> {
  /** The optimizer's name, which starts its error messages. */
  readonly name: string;
  /** The constructor's options over the optimizer's defaults; groups fill their gaps from here. */
  readonly defaults: Readonly<O>;
  /** The groups, each with all of its options; schedulers change `lr` here. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, keyed by the parameter tensor (only parameters that have any). */
  readonly state = new Map<Tensor, Partial<S>>();

  /**
   * Sets up the groups; called by each optimizer's constructor.
   *
   * @param name - The optimizer's name, for messages.
   * @param params - The tensors to optimise (`module.parameters()`), or groups `{ params,
   * ...options }` whose options override `options`.
   * @param defaults - The optimizer's default options.
   * @param options - The caller's options over `defaults`.
   */
  protected constructor(name: string, params: Params<O>, defaults: O, options: Partial<O> = {}) {
    this.name = name;
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${name}: expected an options object, got ${typeName(options)}`);
    }
    this.defaults = this.mergeOptions(defaults, options, 'options', false);
    this.checkOptions(this.defaults as O);
    if (params instanceof Tensor || !isIterable(params)) {
      throw new TypeError(
        `${name}: params argument given to the optimizer should be an iterable of Tensors or parameter groups, but got ${typeName(params)}`,
      );
    }
    const list = Array.from(params as Iterable<unknown>);
    if (list.length === 0) throw new Error(`${name}: optimizer got an empty parameter list`);
    const groups = isGroupInput(list[0]) ? list : [{ params: list }];
    for (const group of groups) this.addGroup(group as ParamGroupInput<O>);
  }

  /**
   * Throws PyTorch's message for an invalid option (`Invalid learning rate: -1`).
   *
   * @param options - The options of the optimizer or of a group.
   */
  protected abstract checkOptions(options: O): void;

  /**
   * Updates one parameter in place from its gradient, reading and filling its state (empty at
   * its first step). Runs under noGrad, with the gradient already in the parameter's dtype.
   *
   * @param param - The parameter.
   * @param grad - Its gradient, in its dtype.
   * @param state - Its state (empty at its first step), to read and fill.
   * @param group - Its group's options.
   */
  protected abstract updateParam(param: Tensor, grad: Tensor, state: Partial<S>, group: ParamGroup<O>): void;

  /**
   * State a parameter starts with when its group is added (Adagrad's accumulator); none by default.
   *
   * @param _param - The parameter.
   * @param _group - Its group's options.
   */
  protected initialState(_param: Tensor, _group: ParamGroup<O>): Partial<S> | null {
    return null;
  }

  /**
   * Adds a group of parameters, with options that override the defaults (PyTorch's
   * add_param_group).
   *
   * @param group - `{ params, ...options }`; options it leaves out come from the constructor's.
   * @throws If a parameter is already in another group or an option is invalid.
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    asMethod(this.name, 'addParamGroup', () => this.addGroup(group));
  }

  /** `addParamGroup`, its errors named after the optimizer (the constructor adds the first groups). */
  private addGroup(group: ParamGroupInput<O>): void {
    const where = `group ${this.paramGroups.length}`;
    if (!isGroupInput(group)) {
      throw new TypeError(
        `${this.name}: a parameter group must be an object with params, got ${typeName(group)}`,
      );
    }
    const { params: given, ...options } = group;
    let params: unknown[];
    if (given instanceof Tensor) params = [given];
    else if (given instanceof Set) {
      throw new TypeError(
        `${this.name}: optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will change between runs. Please use an array instead.`,
      );
    } else if (isIterable(given)) params = Array.from(given);
    else throw new TypeError(`${this.name}: params of ${where} must be a Tensor or an iterable of Tensors`);

    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeError(
          `${this.name}: optimizer can only optimize Tensors, but parameter ${i} of ${where} is ${typeName(p)}`,
        );
      }
      if (!p.isLeaf)
        throw new Error(`${this.name}: can't optimize a non-leaf Tensor (parameter ${i} of ${where})`);
      if (!p.requiresGrad) {
        throw new Error(
          `${this.name}: parameter ${i} of ${where} does not require grad (shape ${formatShape(p.shape)}); call requiresGrad_() on it or leave it out`,
        );
      }
    });
    const tensors = params as Tensor[];
    if (new Set(tensors).size !== tensors.length) {
      throw new Error(`${this.name}: ${where} lists the same parameter more than once`);
    }
    const merged = this.mergeOptions(this.defaults, options as Partial<O>, where, true);
    this.checkOptions(merged);
    for (const [g, other] of this.paramGroups.entries()) {
      if (other.params.some((p) => tensors.includes(p))) {
        throw new Error(
          `${this.name}: some parameters appear in more than one parameter group (${where} and group ${g})`,
        );
      }
    }
    const paramGroup = { ...merged, params: tensors } as ParamGroup<O>;
    this.paramGroups.push(paramGroup);
    for (const p of tensors) {
      const state = this.initialState(p, paramGroup);
      if (state !== null) this.state.set(p, state);
    }
  }

  /**
   * `base` overridden by `overrides`. Unknown keys are errors in constructor options and allowed
   * in groups (PyTorch keeps them); a snake_case spelling of a known option is always an error.
   */
  private mergeOptions(base: Readonly<O>, overrides: Partial<O>, where: string, allowExtra: boolean): O {
    const merged = copyValue(base) as Record<string, unknown>;
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) continue;
      if (!(key in base)) {
        const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
        if (camel !== key && camel in base) {
          throw new Error(`${this.name}: unknown option '${key}' in ${where}; did you mean '${camel}'?`);
        }
        if (!allowExtra) {
          throw new Error(
            `${this.name}: unknown option '${key}'; expected one of ${Object.keys(base).join(', ')}`,
          );
        }
      }
      merged[key] = copyValue(value);
    }
    return merged as O;
  }

  /**
   * Performs one optimization step on every parameter that has a gradient, without recording
   * autograd history. With a closure, first re-evaluates the loss with grad enabled and returns it.
   */
  step(): void;
  /**
   * One optimization step after re-evaluating the loss with grad enabled.
   *
   * @param closure - Recomputes the loss and its gradients (`zeroGrad`, forward, `backward`).
   * @returns What the closure returned.
   */
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    if (closure !== undefined && typeof closure !== 'function') {
      throw argumentError(`${this.name}.step`, 'closure', 'a function', closure);
    }
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const param of group.params) {
          const grad = param.grad;
          if (grad === null) continue;
          const state = this.state.get(param) ?? {};
          this.updateParam(param, grad.dtype === param.dtype ? grad : grad.to(param.dtype), state, group);
          if (Object.keys(state).length > 0) this.state.set(param, state);
        }
      }
    });
    return loss;
  }

  /**
   * Resets the gradients: to null by default (PyTorch's `set_to_none=True`), or to zeros in place,
   * detached from any graph, with `setToNone: false`.
   *
   * @param options - `setToNone` (true).
   */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const where = `${this.name}.zeroGrad`;
    const setToNone = checkBoolean(where, 'setToNone', checkOptions(where, options).setToNone ?? true);
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => (p.grad = grad.detach().zero_()));
      }
    }
  }

  /** The state and the groups' options in PyTorch's layout, as copies (tensors cloned). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      const ids = params.map((p) => {
        let id = index.get(p);
        if (id === undefined) index.set(p, (id = index.size));
        return id;
      });
      return { ...(copyValue(options) as Record<string, unknown>), params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [param, entry] of this.state) {
      const id = index.get(param);
      if (id !== undefined) state[id] = copyValue(entry) as ParamState;
    }
    return { state, param_groups };
  }

  /**
   * Restores state and options saved by `stateDict()` (of an optimizer of the same kind over
   * parameters of the same shapes, grouped alike), so training resumes exactly. Copies what it
   * reads: the dict can be reused. Nothing changes if the dict does not fit.
   *
   * @param stateDict - What `stateDict()` returned.
   * @throws If the dict does not fit this optimizer's groups and parameters.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    const sd = stateDict as Partial<OptimizerStateDict> | null;
    if (typeof sd !== 'object' || sd === null || typeof sd.state !== 'object' || sd.state === null) {
      throw new Error(`${where}: expected {state, param_groups} as stateDict() returns, got ${typeName(sd)}`);
    }
    const saved = sd.param_groups;
    if (!Array.isArray(saved)) throw new Error(`${where}: expected param_groups to be an array`);
    if (saved.length !== this.paramGroups.length) {
      throw new Error(
        `${where}: loaded state dict has a different number of parameter groups (${saved.length} saved, the optimizer has ${this.paramGroups.length})`,
      );
    }
    const byId = new Map<number, Tensor>();
    const options = saved.map((savedGroup, g) => {
      const group = this.paramGroups[g];
      if (typeof savedGroup !== 'object' || savedGroup === null || !Array.isArray(savedGroup.params)) {
        throw new Error(`${where}: param_groups[${g}] has no params array`);
      }
      if (savedGroup.params.length !== group.params.length) {
        throw new Error(
          `${where}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${g}: ${savedGroup.params.length} parameters saved, the optimizer's group has ${group.params.length})`,
        );
      }
      savedGroup.params.forEach((id, i) => byId.set(id, group.params[i]));
      const { params: _saved, ...savedOptions } = savedGroup;
      const { params: _current, ...current } = group;
      // Another optimizer's state dict (SGD's given to Adam) lacks this one's options: an error,
      // not a merge. Extra keys are fine (a scheduler's initialLr).
      const missing = Object.keys(this.defaults).filter((key) => !(key in savedOptions));
      if (missing.length > 0) {
        throw new Error(
          `${where}: param_groups[${g}] lacks ${this.name}'s option${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} (a state dict of another optimizer?)`,
        );
      }
      const merged = { ...current, ...(copyValue(savedOptions) as Partial<O>) } as O;
      this.checkOptions(merged);
      return merged;
    });
    const state = new Map<Tensor, Partial<S>>();
    for (const [key, entry] of Object.entries(sd.state)) {
      const param = byId.get(Number(key));
      if (param === undefined) {
        throw new Error(
          `${where}: the state dict has state for parameter ${key}, which no parameter group lists`,
        );
      }
      state.set(param, this.loadParamState(param, key, entry));
    }
    options.forEach((o, g) => Object.assign(this.paramGroups[g], o));
    this.state.clear();
    for (const [param, entry] of state) this.state.set(param, entry);
  }

  /**
   * A saved parameter's state, copied, with tensors checked against and cast to the parameter.
   *
   * @param param - The parameter.
   * @param id - Its index in the saved dict, for messages.
   * @param entry - Its saved state.
   */
  protected loadParamState(param: Tensor, id: string, entry: ParamState): Partial<S> {
    const where = `${this.name}.loadStateDict`;
    if (typeof entry !== 'object' || entry === null) {
      throw new Error(`${where}: state of parameter ${id} must be an object, got ${typeName(entry)}`);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(entry)) {
      if (key === 'step') {
        // A count of steps taken: bias corrections divide by 1 - beta ** step.
        const step = value instanceof Tensor && value.numel === 1 ? Number(value.item()) : value;
        if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 0) {
          throw new Error(
            `${where}: state 'step' of parameter ${id} must be a non-negative integer, got ${describe(value)}`,
          );
        }
        out[key] = step;
        continue;
      }
      if (!(value instanceof Tensor)) {
        throw new Error(
          `${where}: state '${key}' of parameter ${id} must be a Tensor, got ${describe(value)}`,
        );
      }
      if (value.shape.length !== param.shape.length || value.shape.some((d, i) => d !== param.shape[i])) {
        throw new Error(
          `${where}: state '${key}' of parameter ${id} has shape ${formatShape(value.shape)} but the parameter has shape ${formatShape(param.shape)}`,
        );
      }
      out[key] = noGrad(() => value.detach().to(param.dtype).clone());
    }
    return out as Partial<S>;
  }
}
