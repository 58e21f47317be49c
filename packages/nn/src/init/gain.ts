import { describe } from '@fovea/tensor';

/** The nonlinearities `calculateGain` knows, by PyTorch's names. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

const LINEAR = new Set([
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'conv_transpose1d',
  'conv_transpose2d',
  'conv_transpose3d',
  'sigmoid',
]);

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear layers
 * and sigmoid, 5/3 for tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope^2)) for leaky ReLU (slope
 * 0.01 unless `param` says), 3/4 for SELU.
 *
 * @param nonlinearity - PyTorch's name for it: `'relu'`, `'tanh'`, `'leaky_relu'`, `'conv2d'`, ...
 * @param param - The leaky ReLU's negative slope (0.01).
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  return gain('calculateGain', nonlinearity, param);
}

/** `calculateGain`, its errors named `fn` (the initializer that asked). */
export function gain(fn: string, nonlinearity: unknown, param?: unknown): number {
  if (LINEAR.has(nonlinearity as string)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      if (param !== undefined && param !== null && (typeof param !== 'number' || Number.isNaN(param))) {
        throw new Error(`${fn}: negative_slope ${describe(param)} not a valid number`);
      }
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope ** 2));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(
        `${fn}: Unsupported nonlinearity ${typeof nonlinearity === 'string' ? nonlinearity : describe(nonlinearity)}`,
      );
  }
}
