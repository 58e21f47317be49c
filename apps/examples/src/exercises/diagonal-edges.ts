import { corr2d } from '@fovea/tensor';
import { edgeKernel } from '../lib/chapter-data.js';
import { checkClose } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, fromFunction, say } from './exercise.js';

/**
 * Exercise 1: an image with a diagonal edge, the kernel K = [[1, -1]], and the effect of
 * transposing the image or the kernel.
 */
export const diagonalEdges: Exercise = {
  name: 'diagonal',
  title: 'Diagonal edges',
  run() {
    const K = edgeKernel();
    code('X = 6x6 image, white on and below the diagonal (X[i, j] = 1 if j <= i)');
    const X = fromFunction(6, 6, (i, j) => (j <= i ? 1 : 0));
    show(X);
    code('corr2d(X, K)');
    const Y = corr2d(X, K);
    show(Y);
    say(
      'Each row of a diagonal edge has a white-to-black step, one column further right per row, so K',
      'finds the whole diagonal: 1 at (i, i).',
    );
    checkClose(
      'corr2d(X, K) is 1 at (i, i) and 0 elsewhere',
      Y,
      fromFunction(6, 5, (i, j) => (i === j ? 1 : 0)),
    );

    code('corr2d(X.t(), K)');
    const Yt = corr2d(X.t(), K);
    show(Yt);
    say(
      'Transposing the image mirrors the edge across the main diagonal: still diagonal, still found, but',
      'now each row steps from black to white, so the sign flips and the response sits one row lower.',
    );
    checkClose(
      'corr2d(X.t(), K) is -1 at (i, i - 1)',
      Yt,
      fromFunction(6, 5, (i, j) => (j === i - 1 ? -1 : 0)),
    );

    code('corr2d(X, K.t())');
    const Yk = corr2d(X, K.t());
    show(Yk);
    say(
      'Transposing the kernel gives [[1], [-1]], which compares each pixel with the one below it: a',
      'horizontal-edge detector. It also finds the diagonal (a diagonal step is vertical and horizontal),',
      'and it is exactly the transpose of the answer for the transposed image.',
    );
    checkClose(
      'corr2d(X, K.t()) is -1 at (i, i + 1)',
      Yk,
      fromFunction(5, 6, (i, j) => (j === i + 1 ? -1 : 0)),
    );
    checkClose('corr2d(X, K.t()) equals corr2d(X.t(), K).t()', Yk, Yt.t());
  },
};
