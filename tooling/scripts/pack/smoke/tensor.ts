// @fovea/tensor on its own: the chapter's first cell, "The Cross-Correlation Operation".
import { corr2d, type Tensor, tensor } from '@fovea/tensor';

const X: Tensor = tensor([
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
]);
const K: Tensor = tensor([
  [0, 1],
  [2, 3],
]);
const Y: Tensor = corr2d(X, K);
const shape: readonly number[] = Y.shape;
if (shape.join() !== '2,2') throw new Error(`corr2d: expected shape [2, 2], got [${shape.join(', ')}]`);
console.log(String(Y));
