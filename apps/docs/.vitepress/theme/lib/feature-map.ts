import { corr2d, tensor } from '@fovea/tensor';
import type { GrayImage } from './images';
import { type Kernel, KernelError } from './kernels';

/** A feature map with its value range, for drawing and for the caption. */
export interface FeatureMap extends GrayImage {
  min: number;
  max: number;
}

/** The chapter's cross-correlation of an image with a kernel, computed by `@fovea/tensor`. */
export function featureMap(image: GrayImage, kernel: Kernel): FeatureMap {
  if (kernel.length > image.height || kernel[0].length > image.width) {
    throw new KernelError({
      kind: 'fit',
      rows: kernel.length,
      cols: kernel[0].length,
      height: image.height,
      width: image.width,
    });
  }
  const X = tensor(Array.from(image.pixels)).reshape([image.height, image.width]);
  const Y = corr2d(X, tensor(kernel));
  const pixels = Float32Array.from(Y.dataSync());
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of pixels) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { width: Y.shape[1], height: Y.shape[0], pixels, min, max };
}
