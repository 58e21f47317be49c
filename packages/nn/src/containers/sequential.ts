import { argumentError, type Tensor } from '@fovea/tensor';
import { Module } from '../module/module.js';
import { checkName } from '../module/naming.js';
import { absoluteIndex } from './indexing.js';

/**
 * Modules applied one after another, like `torch.nn.Sequential`: `new Sequential(a, b, c)` names
 * its children '0', '1', '2' (so state-dict keys read `0.weight`), or `new Sequential({conv: a,
 * relu: b})` names them by key. `seq[0]` and `seq.at(-1)` index it.
 *
 * @example
 * ```ts
 * import { Conv2d, MaxPool2d, ReLU, Sequential } from '@fovea/nn';
 * import { randn } from '@fovea/tensor';
 *
 * const features = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2));
 * features.forward(randn([1, 1, 28, 28])).shape; // [1, 6, 14, 14]
 * ```
 */
export class Sequential extends Module implements Iterable<Module> {
  static override readonly moduleName: string = 'Sequential';

  [index: number]: Module;

  /**
   * A sequence of `modules`, run in order by `forward`.
   *
   * @param modules - The modules, named '0', '1', ...; or one object of modules named by its keys.
   */
  constructor(...modules: Module[] | [Readonly<Record<string, Module>>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [name, module] of Object.entries(first)) {
        checkName('Sequential', name);
        if (!(module instanceof Module))
          throw argumentError('Sequential', `modules.${name}`, 'a Module', module);
        this.registerModule(name, module);
      }
    } else {
      (modules as Module[]).forEach((module, i) => {
        if (!(module instanceof Module)) {
          throw new TypeError(`Sequential: argument ${i} is not a Module`);
        }
        this.registerModule(String(i), module);
      });
    }
  }

  #entries(): [string, Module][] {
    const self = this as unknown as Record<string, unknown>;
    return Object.keys(this)
      .filter((key) => self[key] instanceof Module)
      .map((key) => [key, self[key] as Module]);
  }

  /** How many modules the sequence holds. */
  get length(): number {
    return this.#entries().length;
  }

  /**
   * The module at `index` (negative counts from the end).
   *
   * @param index - A position; negative counts from the end.
   */
  at(index: number): Module {
    const entries = this.#entries();
    return entries[absoluteIndex('Sequential', index, entries.length)][1];
  }

  /**
   * A new `Sequential` of the modules from `start` up to (not including) `end`, like
   * `seq[start:end]`.
   *
   * @param start - First position (0).
   * @param end - Position after the last (the end).
   */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(
      ...this.#entries()
        .slice(start, end)
        .map(([, m]) => m),
    );
  }

  /**
   * Adds a module at the end, named by its position; returns this.
   *
   * @param module - The module to add.
   */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.#entries()
      .map(([, m]) => m)
      [Symbol.iterator]();
  }

  /**
   * Feeds `input` through every module in order.
   *
   * @param input - The first module's input.
   * @returns The last module's output.
   */
  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const [, module] of this.#entries()) x = module.forward(x);
    return x as Tensor;
  }
}
