import { checkBoolean, Tensor } from '@fovea/tensor';

/**
 * A module's learnable tensor, like `torch.nn.Parameter`: a leaf that requires grad (unless told
 * otherwise) and shares its storage with the tensor it was made from. Assigning one to a
 * module's property registers it under that property's name.
 */
export class Parameter extends Tensor {
  /**
   * Wraps `data` (sharing its storage) as a parameter.
   *
   * @param data - The initial value.
   * @param requiresGrad - Whether gradients flow to it (true).
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new Error(
        `Parameter: expected a Tensor, got ${data === null ? 'null' : typeof data}; wrap values with tensor(...) first`,
      );
    }
    checkBoolean('Parameter', 'requiresGrad', requiresGrad);
    if (requiresGrad && data.dtype !== 'float32' && data.dtype !== 'float64') {
      throw new Error(
        `Parameter: only tensors of floating point dtype can require gradients, got ${data.dtype}`,
      );
    }
    super(data.storage, data.dtype, data.shape, data.strides, data.offset, null);
    this.requiresGrad_(requiresGrad);
  }

  /** PyTorch's repr: `Parameter containing:` above the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}

/**
 * Whether `value` is a `Parameter` (a type guard).
 *
 * @param value - Anything.
 */
export function isParameter(value: unknown): value is Parameter {
  return value instanceof Parameter;
}
