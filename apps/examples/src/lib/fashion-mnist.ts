import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Dataset, FashionMNIST, Subset } from '@fovea/data';
import { CliError } from './cli.js';
import { userPath } from './paths.js';

/** Where Debian's dataset-fashion-mnist package puts the four original files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** The subset that ships with the app (scripts/make-fashion-mnist-subset.ts cuts it). */
export const FASHION_MNIST_SUBSET = fileURLToPath(new URL('../../assets/fashion-mnist', import.meta.url));
export const SUBSET_COUNTS = { train: 5000, test: 1000 } as const;

export interface FashionMnistData {
  train: FashionMNIST;
  test: FashionMNIST;
  /** Which files, for the output: the full set from a folder, or the embedded subset. */
  description: string;
  subset: boolean;
}

/**
 * The data a command trains on: the folder given with --data, else $FASHION_MNIST_DIR, else
 * Debian's package when installed, else the embedded subset. A folder the user named must hold
 * the files; it is never silently replaced by the subset.
 */
export function loadFashionMnist(
  command: string,
  dataOption: string | undefined,
  debianDir = DEBIAN_FASHION_MNIST,
): FashionMnistData {
  const fromEnv = process.env.FASHION_MNIST_DIR;
  const named =
    dataOption !== undefined
      ? { dir: userPath(dataOption), how: '--data' }
      : fromEnv !== undefined && fromEnv !== ''
        ? { dir: userPath(fromEnv), how: 'FASHION_MNIST_DIR' }
        : existsSync(debianDir)
          ? { dir: debianDir, how: "Debian's dataset-fashion-mnist" }
          : undefined;
  const dir = named?.dir ?? FASHION_MNIST_SUBSET;
  let train: FashionMNIST;
  let test: FashionMNIST;
  try {
    train = FashionMNIST.fromDirectory(dir, { split: 'train' });
    test = FashionMNIST.fromDirectory(dir, { split: 'test' });
  } catch (error) {
    const where = named === undefined ? 'the embedded subset' : `${dir} (from ${named.how})`;
    throw new CliError(`${command}: cannot read Fashion-MNIST from ${where}: ${(error as Error).message}`);
  }
  const counts = `${train.length} train, ${test.length} test images`;
  const description =
    named === undefined
      ? `the embedded Fashion-MNIST subset in ${dir} (${counts}); install Debian's dataset-fashion-mnist or pass --data DIR for the full set`
      : `Fashion-MNIST from ${dir} (${named.how}; ${counts})`;
  return { train, test, description, subset: named === undefined };
}

/**
 * The first `count` samples of a dataset (all of them when count is undefined), as a `Subset`,
 * which fetches a batch through the dataset's `getItems`.
 */
export function firstSamples<T>(dataset: Dataset<T>, count: number | undefined): Dataset<T> {
  if (count === undefined || count >= dataset.length) return dataset;
  return new Subset(
    dataset,
    Array.from({ length: count }, (_, i) => i),
  );
}
