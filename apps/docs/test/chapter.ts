// What the guide's runnable blocks print, page by page and block by block, in both languages.
// The tensors are PyTorch's repr() of the chapter's cells (tooling/golden/data/tensor_repr.json), and
// the fixed-start training run is tooling/golden/data/learn_kernel.json's first run (w0 = [0.5, 0.5]).
import { analyzeLayers, formatTable } from '@fovea/receptive-field';

const CORR2D = `tensor([[19., 25.],
        [37., 43.]])`;

const EDGE_IMAGE = `tensor([[1., 1., 0., 0., 0., 0., 1., 1.],
        [1., 1., 0., 0., 0., 0., 1., 1.],
        [1., 1., 0., 0., 0., 0., 1., 1.],
        [1., 1., 0., 0., 0., 0., 1., 1.],
        [1., 1., 0., 0., 0., 0., 1., 1.],
        [1., 1., 0., 0., 0., 0., 1., 1.]])`;

const EDGES = `tensor([[ 0.,  1.,  0.,  0.,  0., -1.,  0.],
        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
        [ 0.,  1.,  0.,  0.,  0., -1.,  0.],
        [ 0.,  1.,  0.,  0.,  0., -1.,  0.]])`;

const ZEROS_8X5 = `tensor([[0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.],
        [0., 0., 0., 0., 0.]])`;

// learn_kernel.json, run 0: losses[1], [3], [5], [7], [9] (14.5152, 4.7568, 1.7490, 0.6829,
// 0.2741) and final_weight [1.04216, -0.93478].
const FIXED_START_RUN = `epoch 2, loss 14.515
epoch 4, loss 4.757
epoch 6, loss 1.749
epoch 8, loss 0.683
epoch 10, loss 0.274
tensor([[ 1.0422, -0.9348]])`;

const TWO_LAYER_FIELD = analyzeLayers(
  [
    { type: 'conv', kernel: 2 },
    { type: 'conv', kernel: 2 },
  ],
  [3, 3],
);

/** The chapter's loop from a random kernel: five falling losses, then a kernel near [1, -1]. */
function randomStartRun(output: string): void {
  const lines = output.split('\n');
  const losses = lines.slice(0, 5).map((line, k) => {
    const match = new RegExp(`^epoch ${2 * (k + 1)}, loss (\\d+\\.\\d{3})$`).exec(line);
    if (!match) throw new Error(`expected "epoch ${2 * (k + 1)}, loss x.xxx", got "${line}"`);
    return Number(match[1]);
  });
  if (losses.some((loss, k) => k > 0 && loss > losses[k - 1])) throw new Error(`losses rise: ${losses}`);
  const kernel = /^tensor\(\[\[ ?(-?\d\.\d{4}), (-?\d\.\d{4})\]\]\)$/.exec(lines[5] ?? '');
  if (!kernel || lines.length !== 6) throw new Error(`expected the learned kernel last, got:\n${output}`);
  if (Math.abs(Number(kernel[1]) - 1) > 0.3 || Math.abs(Number(kernel[2]) + 1) > 0.3) {
    throw new Error(`the learned kernel ${lines[5]} is not near [1, -1]`);
  }
}

/** Per guide page, what each runnable block prints: exactly this string, or passing this check. */
export const CHAPTER: Record<string, (string | ((output: string) => void))[]> = {
  'cross-correlation': [CORR2D, CORR2D],
  'convolutional-layers': [
    'weight [ 1, 2 ]\nbias [ 1 ]\n[ 6, 7 ]',
    '[ 6, 7 ]\nConv2d(1, 1, kernel_size=(1, 2), stride=(1, 1), bias=False)',
  ],
  'edge-detection': [EDGE_IMAGE, EDGES, ZEROS_8X5],
  'learning-a-kernel': [randomStartRun, FIXED_START_RUN],
  'convolution-vs-cross-correlation': [
    `${CORR2D}\n${CORR2D}`,
    'tensor([[[[19., 25.],\n          [37., 43.]]]])',
  ],
  'receptive-fields': [
    `tensor([[64.]])
tensor([[1., 2., 1.],
        [2., 4., 2.],
        [1., 2., 1.]])`,
    `[ 1, 1 ] [ 3, 3 ]\n{ rows: [ 0, 2 ], cols: [ 0, 2 ] }\n${formatTable(TWO_LAYER_FIELD)}`,
  ],
};
