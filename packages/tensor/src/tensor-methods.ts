import { Tensor } from './tensor.js';
import { ArithmeticMethods } from './tensor-methods/arithmetic.js';
import { InPlaceMethods } from './tensor-methods/in-place.js';
import { ReadingMethods } from './tensor-methods/reading.js';
import { ReductionMethods } from './tensor-methods/reductions.js';
import { ViewMethods } from './tensor-methods/views.js';

/**
 * The methods of `Tensor` that are ops (PyTorch's `x.add(y)` for `add(x, y)`), kept apart from
 * the class so that tensor.ts imports no op module: ops import `Tensor`, and this module, which
 * imports both, installs the methods on `Tensor.prototype` when the package is loaded (index.ts
 * imports it first), as tfjs-core's chained ops do. `Tensor`'s type includes them through
 * `interface Tensor extends TensorMethods` in tensor.ts. Every method's code is in every user's
 * bundle: add one only where PyTorch has it. One class per family, in tensor-methods/, each
 * method documented there.
 */
export interface TensorMethods
  extends ArithmeticMethods,
    ReductionMethods,
    ViewMethods,
    InPlaceMethods,
    ReadingMethods {}

for (const family of [ArithmeticMethods, ReductionMethods, ViewMethods, InPlaceMethods, ReadingMethods]) {
  for (const name of Object.getOwnPropertyNames(family.prototype)) {
    if (name === 'constructor') continue;
    Object.defineProperty(
      Tensor.prototype,
      name,
      Object.getOwnPropertyDescriptor(family.prototype, name) as PropertyDescriptor,
    );
  }
}
