import type { Parameter } from './parameter.js';

/**
 * A module's lazy parameters (LazyConv2d's weight before its first forward): properties that
 * keep their place among the module's own properties, so state-dict keys keep PyTorch's order,
 * but throw when read until they get a value.
 */
export class LazySlots {
  readonly #names = new Set<string>();

  /** The properties still waiting for a value. */
  get names(): ReadonlySet<string> {
    return this.#names;
  }

  /**
   * Makes `owner[name]` throw `message` when read; assigning to it fills the slot.
   *
   * @param owner - The module.
   * @param name - The property.
   * @param message - What reading it before it has a value throws.
   */
  declare(owner: object, name: string, message: string): void {
    this.#names.add(name);
    Object.defineProperty(owner, name, {
      configurable: true,
      enumerable: true,
      get: () => {
        throw new Error(message);
      },
      set: (value: unknown) => this.fill(owner, name, value as Parameter | null),
    });
  }

  /** Gives `owner[name]` its value; it becomes an ordinary property again. */
  fill(owner: object, name: string, value: Parameter | null): void {
    this.#names.delete(name);
    Object.defineProperty(owner, name, { configurable: true, enumerable: true, writable: true, value });
  }
}
