// @fovea/receptive-field: two stacked 2x2 convolutions see a 3x3 window of the input.
import { analyzeLayers, type StackReceptiveField } from '@fovea/receptive-field';

const rf: StackReceptiveField = analyzeLayers(
  [
    { type: 'conv', kernel: 2 },
    { type: 'conv', kernel: 2 },
  ],
  [6, 8],
);
const size: readonly number[] = rf.size;
if (size.join() !== '3,3') throw new Error(`expected a receptive field of [3, 3], got [${size.join(', ')}]`);
console.log(
  `size ${JSON.stringify(rf.size)}, stride ${JSON.stringify(rf.stride)}, output ${JSON.stringify(rf.outputSize)}`,
);
