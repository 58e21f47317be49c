import { ones, type Tensor, tensor } from '@fovea/tensor';

/** The 3 x 3 input of the chapter's first cell. */
export function inputX(): Tensor {
  return tensor([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
}

/** The 2 x 2 kernel of the chapter's first cell. */
export function kernelK(): Tensor {
  return tensor([
    [0, 1],
    [2, 3],
  ]);
}

/** The 6 x 8 image: white with a black vertical band in columns 2 to 5. */
export function edgeImage(): Tensor {
  const image = ones([6, 8]);
  image.slice(':', '2:6').fill_(0);
  return image;
}

/** The chapter's vertical-edge kernel: 1 for a white-to-black step, -1 for black-to-white. */
export function edgeKernel(): Tensor {
  return tensor([[1, -1]]);
}
