import { conv2d, corr2d, manualSeed, randn, unfold } from '@fovea/tensor';
import { inputX, kernelK } from '../lib/chapter-data.js';
import { checkClose } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, fromFunction, say } from './exercise.js';

/** Exercise 4: cross-correlation as a matrix product, both ways round. */
export const matrixProduct: Exercise = {
  name: 'matmul',
  title: 'Cross-correlation as a matrix product',
  run(seed) {
    say(
      'Change the input: unfold (im2col) copies every kH x kW patch into a column, and the kernel',
      'flattened to a row multiplies them all at once.',
    );
    const [X, K] = [inputX(), kernelK()];
    code('cols = unfold(X.reshape([1, 1, 3, 3]), 2)');
    const cols = unfold(X.reshape([1, 1, 3, 3]), 2);
    show(cols);
    code('K.reshape([1, 4]).matmul(cols).reshape([2, 2])');
    const product = K.reshape([1, 4]).matmul(cols).reshape([2, 2]);
    show(product);
    checkClose('it equals corr2d(X, K)', product, corr2d(X, K), 0, 0);

    code('x = randn([2, 3, 7, 7]); w = randn([4, 3, 3, 3]); stride 2, padding 1');
    manualSeed(seed);
    const x = randn([2, 3, 7, 7]);
    const w = randn([4, 3, 3, 3]);
    const options = { stride: [2, 2] as [number, number], padding: [1, 1] as [number, number] };
    const patches = unfold(x, 3, options);
    const y = w.reshape([4, -1]).matmul(patches).reshape([2, 4, 4, 4]);
    checkClose(
      'with channels, batches, stride and padding: w.reshape([4, 27]).matmul(unfold(x)) equals conv2d(x, w)',
      y,
      conv2d(x, w, null, options),
      1e-4,
      1e-4,
    );

    say(
      'Or change the kernel: a sparse (doubly block Toeplitz) matrix W with one row per output, holding',
      'the kernel where that output reads the input, multiplies the flattened image: vec(Y) = W vec(X).',
      'Its transpose maps gradients back, the transposed convolution.',
    );
    const k = K.dataSync();
    const W = fromFunction(4, 9, (row, col) => {
      const [i, j] = [Math.floor(row / 2), row % 2];
      const [a, b] = [Math.floor(col / 3) - i, (col % 3) - j];
      return a >= 0 && a < 2 && b >= 0 && b < 2 ? k[2 * a + b] : 0;
    });
    code('W  // 4 outputs x 9 inputs');
    show(W);
    code('W.matmul(X.reshape([9, 1])).reshape([2, 2])');
    const viaW = W.matmul(X.reshape([9, 1])).reshape([2, 2]);
    show(viaW);
    checkClose('it equals corr2d(X, K)', viaW, corr2d(X, K), 0, 0);
  },
};
