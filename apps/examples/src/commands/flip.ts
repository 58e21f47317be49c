import { convolve2d, corr2d, type Tensor } from '@fovea/tensor';
import { edgeImage, edgeKernel, inputX, kernelK } from '../lib/chapter-data.js';
import { CliError, type Command } from '../lib/cli.js';
import { code, heading, show } from '../lib/print.js';

function sameValues(a: Tensor, b: Tensor): boolean {
  const [x, y] = [a.dataSync(), b.dataSync()];
  return a.shape.join() === b.shape.join() && x.every((v, i) => v === y[i]);
}

/**
 * Cross-correlation versus convolution: a true convolution flips the kernel along both axes, so
 * convolving with the flipped kernel is cross-correlating with the kernel. A learned kernel is
 * simply learned flipped, which is why deep learning calls cross-correlation "convolution".
 */
export function crossCorrelationAndConvolutionCell(): void {
  heading('Cross-correlation and convolution');
  const [X, K] = [inputX(), kernelK()];
  code('convolve2d(X, K.flip([0, 1]))');
  const flipped = convolve2d(X, K.flip([0, 1]));
  show(flipped);
  code('corr2d(X, K)');
  const correlated = corr2d(X, K);
  show(correlated);
  const equal = sameValues(flipped, correlated);
  code('convolve2d(X, K.flip([0, 1])) equals corr2d(X, K)');
  show(equal);
  code('convolve2d(X, K)  // = corr2d(X, K.flip([0, 1]))');
  show(convolve2d(X, K));
  const [image, edge] = [edgeImage(), edgeKernel()];
  const edgesEqual = sameValues(convolve2d(image, edge.flip([0, 1])), corr2d(image, edge));
  code('convolve2d(edgeImage, [[1, -1]].flip([0, 1])) equals corr2d(edgeImage, [[1, -1]])');
  show(edgesEqual);
  if (!equal || !edgesEqual)
    throw new CliError('flip: convolve2d with the flipped kernel differs from corr2d');
}

export const flipCommand: Command = {
  name: 'flip',
  summary: 'cross-correlation and convolution: convolve2d(X, K.flip([0, 1])) equals corr2d(X, K)',
  usage: `Usage: pnpm examples flip

Shows that a true convolution is a cross-correlation with the kernel flipped along both axes:
convolve2d(X, K.flip([0, 1])) equals corr2d(X, K), on the chapter's 3x3 input and on its
6x8 edge image. Exits with code 1 if they differ.`,
  options: {},
  positionals: { min: 0, max: 0 },
  run: crossCorrelationAndConvolutionCell,
};
