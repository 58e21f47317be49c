import { corr2d, tensor } from '@fovea/tensor';

console.log(String(corr2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]))));
