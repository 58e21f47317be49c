import { Module } from '../module/module.js';

/** Returns its input unchanged (a placeholder in a `Sequential`), like `torch.nn.Identity`. */
export class Identity extends Module {
  static override readonly moduleName: string = 'Identity';

  /**
   * Returns its input unchanged.
   *
   * @param input - Anything.
   * @returns `input` itself.
   */
  override forward<T>(input: T): T {
    return input;
  }
}
