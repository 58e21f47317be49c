import { FashionMNIST } from '@fovea/data';
import { setNumThreads } from '@fovea/tensor';
import { foveaEpochs, foveaSteps } from '../lenet-fashion.js';

/**
 * One phase of Fovea's LeNet measurement in a process of its own, as python/lenet_torch.py runs
 * each of PyTorch's: `epoch` (its epochs, with a progress line each on stderr) or `steps` (the
 * step at the batch sizes given; the bench gives one per process). A phase run after others in one process inherited their heap (the
 * 2-thread epoch after the 1-thread phase and the conv workloads: about 5% slower than alone).
 * Prints the result as JSON on stdout.
 *
 *   tsx --conditions=@fovea/source --expose-gc src/lenet/fovea-child.ts epoch|steps --data DIR --threads N [--epochs N] [--batches B,...] [--reps N]
 */

const args = process.argv.slice(2);
function option(name: string): string {
  const at = args.indexOf(`--${name}`);
  if (at < 0) throw new Error(`fovea-child: --${name} is required`);
  return args[at + 1];
}

const phase = args[0];
const threads = Number(option('threads'));
setNumThreads(threads);
const train = FashionMNIST.fromDirectory(option('data'), { split: 'train' });
if (phase === 'epoch') {
  const count = Number(option('epochs'));
  let done = 0;
  const epochs = foveaEpochs(train, count, (e) =>
    process.stderr.write(
      `  fovea-t${threads} epoch ${++done}/${count}: ${e.seconds.toFixed(1)} s, train loss ${e.trainLoss.toFixed(3)}, RSS ${e.rssMB.toFixed(0)} MB\n`,
    ),
  );
  process.stdout.write(JSON.stringify({ epochs }));
} else if (phase === 'steps') {
  const batches = option('batches').split(',').map(Number);
  process.stdout.write(JSON.stringify({ steps: foveaSteps(train, Number(option('reps')), batches) }));
} else {
  throw new Error(`fovea-child: expected 'epoch' or 'steps', got '${phase}'`);
}
