import { basename, extname, join } from 'node:path';
import { conv2d, corr2d, type Tensor, tensor } from '@fovea/tensor';
import { edgeImage, edgeKernel } from '../lib/chapter-data.js';
import { type Command, UsageError, type Values } from '../lib/cli.js';
import { readGrayscaleImage } from '../lib/image.js';
import { NAMED_KERNELS, parseKernel } from '../lib/kernels.js';
import { defaultOutputDir, SAMPLE_IMAGE, userPath } from '../lib/paths.js';
import { toGrayLevels, valueRange, writeGrayscalePng } from '../lib/png.js';
import { code, heading, show } from '../lib/print.js';

/** The chapter's cell: a vertical-edge detector on a 6 x 8 black-and-white image. */
export function edgeDetectionCell(): void {
  heading('Object edge detection in images');
  code("X = ones([6, 8]); X.slice(':', '2:6').fill_(0)");
  const X = edgeImage();
  show(X);
  code('K = tensor([[1, -1]]); Y = corr2d(X, K)');
  const K = edgeKernel();
  show(corr2d(X, K));
  code('corr2d(X.t(), K)  // K only detects vertical edges');
  show(corr2d(X.t(), K));
}

/** The feature map of `kernel` on an image [H, W]: 'valid' is corr2d, 'same' keeps the size. */
export function featureMap(image: Tensor, kernel: Tensor, padding: 'same' | 'valid'): Tensor {
  if (padding === 'valid') return corr2d(image, kernel);
  const [h, w] = image.shape;
  const [kh, kw] = kernel.shape;
  return conv2d(image.reshape([1, 1, h, w]), kernel.reshape([1, 1, kh, kw]), null, {
    padding: 'same',
  }).reshape([h, w]);
}

function outputName(input: string, kernelSpec: string): string {
  const stem = basename(input, extname(input));
  const kernel = NAMED_KERNELS[kernelSpec] === undefined ? 'kernel' : kernelSpec;
  return join(defaultOutputDir('edges'), `${stem}-${kernel}.png`);
}

async function detectEdges(input: string, values: Values): Promise<void> {
  const kernelSpec = (values.kernel as string | undefined) ?? 'sobel-x';
  const kernel = parseKernel('edges', kernelSpec);
  const padding = (values.padding as string | undefined) ?? 'same';
  if (padding !== 'same' && padding !== 'valid') {
    throw new UsageError(`edges: --padding must be 'same' or 'valid', got '${padding}'`);
  }
  const path = input === 'sample' ? SAMPLE_IMAGE : userPath(input);
  const image = await readGrayscaleImage(path, 'edges');
  const [kh, kw] = kernel.shape;
  if (padding === 'valid' && (kh > image.height || kw > image.width)) {
    throw new UsageError(
      `edges: kernel ${kh}x${kw} is larger than '${path}' (${image.width}x${image.height})`,
    );
  }
  let map = featureMap(tensor(image.pixels).reshape([image.height, image.width]), kernel, padding);
  if (values.abs) map = map.abs();
  const [height, width] = map.shape;
  const out = values.output === undefined ? outputName(path, kernelSpec) : userPath(values.output as string);
  const data = map.dataSync();
  writeGrayscalePng(out, width, height, toGrayLevels(data));
  const [min, max] = valueRange(data).map((v) => v.toFixed(3));
  console.log(
    `read ${path} (${image.width}x${image.height}), kernel ${kernelSpec} (${kh}x${kw}), padding ${padding}`,
  );
  console.log(`feature map ${width}x${height}, response in [${min}, ${max}], mapped to 0..255`);
  console.log(`wrote ${out}`);
}

export const edgesCommand: Command = {
  name: 'edges',
  summary: 'object edge detection: the chapter 6x8 image, or any PNG, JPEG or WebP (edges <image>)',
  usage: `Usage: pnpm examples edges [<image> | sample] [--kernel K] [--padding same|valid] [--abs] [-o out.png]

Without an input, runs the chapter's cell: the vertical-edge kernel K = [[1, -1]] on a 6x8
black-and-white image, and on its transpose (where it finds nothing).

With an input image, PNG, JPEG or WebP (or 'sample', the 64x64 PNG shipped in apps/examples/assets),
converts it to grayscale in [0, 1] (JPEG and WebP photos turned upright by their EXIF orientation), applies the kernel (cross-correlation, as in the chapter) and writes the
feature map, mapped linearly to 0..255, as a grayscale PNG.

Options:
  --kernel K         ${Object.keys(NAMED_KERNELS).join(', ')} (default sobel-x),
                     or JSON: a row such as [1,-1] or a matrix such as [[0,1],[2,3]]
  --padding P        same: zero padding, output as large as the input (default);
                     valid: no padding, corr2d as in the chapter (output shrinks by the kernel size - 1)
  --abs              map the absolute response (edges of both signs bright)
  -o, --output FILE  where to write the PNG (default test-output/examples/edges/<input>-<kernel>.png)

Relative paths are taken from the folder you ran pnpm in.`,
  options: {
    kernel: { type: 'string' },
    padding: { type: 'string' },
    abs: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
  },
  positionals: { min: 0, max: 1 },
  async run(values, positionals) {
    if (positionals.length === 0) {
      const used = ['kernel', 'padding', 'abs', 'output'].filter((name) => values[name] !== undefined);
      if (used.length > 0) throw new UsageError(`edges: --${used[0]} needs an input image (or 'sample')`);
      edgeDetectionCell();
      return;
    }
    await detectEdges(positionals[0], values);
  },
};
