import { argumentError } from '@fovea/tensor';
import { Module } from '../module/module.js';
import { addIndent } from '../module/repr.js';
import { absoluteIndex } from './indexing.js';

/**
 * A list of modules whose parameters are registered, like `torch.nn.ModuleList`: children named
 * '0', '1', ..., indexed with `list[i]` or `list.at(-1)`, iterable, no `forward` of its own.
 */
export class ModuleList extends Module implements Iterable<Module> {
  static override readonly moduleName: string = 'ModuleList';

  [index: number]: Module;

  /**
   * A list of `modules`, named '0', '1', ... in order.
   *
   * @param modules - The initial modules (none).
   */
  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Partial<Iterable<Module>>)[Symbol.iterator] !== 'function') {
      throw argumentError('ModuleList', 'modules', 'an iterable of modules', modules);
    }
    const items = [...modules];
    items.forEach((module, i) => {
      if (!(module instanceof Module)) throw argumentError('ModuleList', `modules[${i}]`, 'a Module', module);
    });
    this.extend(items);
  }

  #items(): Module[] {
    const self = this as unknown as Record<string, unknown>;
    return Object.keys(this)
      .filter((key) => self[key] instanceof Module)
      .map((key) => self[key] as Module);
  }

  /** How many modules the list holds. */
  get length(): number {
    return this.#items().length;
  }

  /**
   * The module at `index`.
   *
   * @param index - A position; negative counts from the end.
   * @throws If `index` is out of range.
   */
  at(index: number): Module {
    const items = this.#items();
    return items[absoluteIndex('ModuleList', index, items.length)];
  }

  /**
   * Adds `module` at the end; returns this.
   *
   * @param module - The module to add.
   */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /**
   * Adds each of `modules` at the end, in order; returns this.
   *
   * @param modules - The modules to add.
   */
  extend(modules: Iterable<Module>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /**
   * Inserts `module` before position `index`, renumbering the ones after it.
   *
   * @param index - The position it takes; negative counts from the end.
   * @param module - The module to insert.
   */
  insert(index: number, module: Module): this {
    const items = this.#items();
    const at = index < 0 ? Math.max(0, items.length + index) : Math.min(index, items.length);
    this.#renumber([...items.slice(0, at), module, ...items.slice(at)]);
    return this;
  }

  /**
   * Removes and returns the module at `index`, renumbering the ones after it.
   *
   * @param index - A position (the last, -1, by default).
   */
  pop(index = -1): Module {
    const items = this.#items();
    const at = absoluteIndex('ModuleList', index, items.length);
    const [removed] = items.splice(at, 1);
    this.#renumber(items);
    return removed;
  }

  #renumber(items: Module[]): void {
    const self = this as unknown as Record<string, unknown>;
    for (const key of Object.keys(this)) if (self[key] instanceof Module) delete self[key];
    items.forEach((module, i) => this.registerModule(String(i), module));
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.#items()[Symbol.iterator]();
  }

  /** PyTorch's ModuleList repr: runs of identical modules print once, as `(0-2): 3 x Linear(...)`. */
  override toString(): string {
    const reprs = this.#items().map(String);
    if (reprs.length === 0) return `${this.getName()}()`;
    const blocks: { start: number; end: number; repr: string }[] = [];
    reprs.forEach((repr, i) => {
      const last = blocks[blocks.length - 1];
      if (last !== undefined && last.repr === repr) last.end = i;
      else blocks.push({ start: i, end: i, repr });
    });
    const lines = blocks.map(({ start, end, repr }) =>
      addIndent(start === end ? `(${start}): ${repr}` : `(${start}-${end}): ${end - start + 1} x ${repr}`, 2),
    );
    return `${this.getName()}(\n  ${lines.join('\n  ')}\n)`;
  }
}
