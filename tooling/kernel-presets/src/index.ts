/** A kernel as rows of numbers, the form a reader types: `[[1, -1]]`. */
export type KernelRows = number[][];

/**
 * Classic kernels by name, as cross-correlation kernels (x to the right, y down). Every weight is
 * exact in binary, so a kernel prints as the JSON it came from.
 */
export const KERNEL_PRESETS: Readonly<Record<string, KernelRows>> = {
  // The chapter's vertical-edge detector: +1 where brightness falls from left to right.
  edge: [[1, -1]],
  'sobel-x': [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ],
  'sobel-y': [
    [-1, -2, -1],
    [0, 0, 0],
    [1, 2, 1],
  ],
  // Sobel rotated by 45 degrees: the gradient towards the bottom right, and towards the top right.
  'diagonal-down': [
    [-2, -1, 0],
    [-1, 0, 1],
    [0, 1, 2],
  ],
  'diagonal-up': [
    [0, 1, 2],
    [-1, 0, 1],
    [-2, -1, 0],
  ],
  laplacian: [
    [0, 1, 0],
    [1, -4, 1],
    [0, 1, 0],
  ],
  // The binomial approximation of a Gaussian, [1, 2, 1] x [1, 2, 1] / 16 (sigma about 0.85).
  blur: [
    [0.0625, 0.125, 0.0625],
    [0.125, 0.25, 0.125],
    [0.0625, 0.125, 0.0625],
  ],
};
