import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FashionMNIST } from '@fovea/data';
import { load } from '@fovea/nn';
import { argmax } from '@fovea/tensor';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_SUBSET, loadFashionMnist } from '../src/lib/fashion-mnist.js';
import { lenet } from '../src/lib/lenet.js';
import { loadGolden, type RunResult, runExamples, tempDir } from './helpers/run.js';

interface StateDictGolden {
  cases: Record<string, { repr: string; stateDict: { key: string; shape: number[]; dtype: string }[] }>;
}
const golden = loadGolden<StateDictGolden>('lenet_state_dict.json').cases;

/** A few thousand images of the subset, so the test trains in seconds; the full recipe runs in the bench. */
const SMALL = [
  '--data',
  FASHION_MNIST_SUBSET,
  '--train-images',
  '2000',
  '--test-images',
  '500',
  '--threads',
  '1',
];
const VARIANT = [
  '--activation',
  'relu',
  '--pool',
  'max',
  '--optimizer',
  'adam',
  '--batch',
  '64',
  '--epochs',
  '2',
];
const TIMEOUT = 180_000;

interface Epoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

function epochs(stdout: string): Epoch[] {
  return [
    ...stdout.matchAll(
      /^epoch (\d+): train loss (\S+), train acc (\S+), test acc (\S+), (\d+) images\/s \(\S+ s\)$/gm,
    ),
  ].map((m) => ({
    epoch: Number(m[1]),
    trainLoss: Number(m[2]),
    trainAccuracy: Number(m[3]),
    testAccuracy: Number(m[4]),
  }));
}

/** The output without what depends on the clock. */
const timeless = (stdout: string) => stdout.replace(/\d+ images\/s \(\S+ s\)/g, '');

describe('lenet', () => {
  let dir: string;
  let run: RunResult;
  beforeAll(() => {
    dir = tempDir('lenet');
    run = runExamples(['lenet', ...SMALL, ...VARIANT, '--out', dir], { timeout: TIMEOUT });
  }, TIMEOUT);

  it('trains: the loss falls and the test accuracy is far above chance', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `data: Fashion-MNIST from ${FASHION_MNIST_SUBSET} (--data; 5000 train, 1000 test images)`,
    );
    expect(run.stdout).toContain(
      'training on 2000 images, testing on 500: 2 epochs, batch 64, Adam lr 0.001, seed 0, 1 thread(s)',
    );
    const log = epochs(run.stdout);
    expect(log.map((e) => e.epoch)).toEqual([1, 2]);
    expect(log[1].trainLoss).toBeLessThan(log[0].trainLoss);
    expect(log[1].testAccuracy).toBeGreaterThan(0.5); // chance is 0.1
    // the progress of each epoch: a line every tenth of its 32 steps, with the running loss
    expect(run.stdout).toMatch(/^epoch 1\/2: step 3\/32, loss \d\.\d{3}e[+-]\d+$/m);
    expect(run.stdout).toMatch(/^epoch 2\/2: step 32\/32, loss /m);
  });

  it(
    'is reproducible: the same seed gives the same numbers, another seed others',
    () => {
      const again = runExamples(['lenet', ...SMALL, ...VARIANT, '--out', tempDir('lenet-again')], {
        timeout: TIMEOUT,
      });
      expect(again.status).toBe(0);
      const strip = (s: string) => timeless(s).replace(/\/tmp\/\S+/g, '');
      expect(strip(again.stdout)).toBe(strip(run.stdout));
      const other = runExamples(
        ['lenet', ...SMALL, ...VARIANT, '--epochs', '1', '--seed', '1', '--out', tempDir('lenet-1')],
        {
          timeout: TIMEOUT,
        },
      );
      expect(other.status).toBe(0);
      expect(epochs(other.stdout)[0].trainLoss).not.toBe(epochs(run.stdout)[0].trainLoss);
    },
    2 * TIMEOUT,
  );

  it("writes a checkpoint whose keys and shapes are PyTorch's nn.Sequential LeNet's", () => {
    const checkpoint = join(dir, 'lenet.safetensors');
    const state = load(checkpoint);
    const expected = golden['relu-max'].stateDict;
    // safetensors stores its keys sorted; the model's state dict keeps PyTorch's order
    expect(Object.keys(state).sort()).toEqual(expected.map((e) => e.key).sort());
    expect(Object.keys(lenet({ activation: 'relu', pool: 'max' }).stateDict())).toEqual(
      expected.map((e) => e.key),
    );
    for (const { key, shape, dtype } of expected) {
      expect(state[key].shape, key).toEqual(shape);
      expect(`torch.${state[key].dtype}`, key).toBe(dtype);
    }
    expect(String(lenet({ activation: 'relu', pool: 'max' }))).toBe(golden['relu-max'].repr);
    expect(String(lenet({ activation: 'sigmoid', pool: 'avg' }))).toBe(golden['sigmoid-avg'].repr);
    expect(run.stdout).toContain(
      `wrote ${checkpoint} (keys of PyTorch's nn.Sequential LeNet: 0.weight, 0.bias, 3.weight`,
    );
  });

  it('plots train loss, train accuracy and test accuracy per epoch as an SVG', () => {
    const svg = readFileSync(join(dir, 'lenet.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"><title>([^<]*)<\/title>/g)];
    expect(lines.map((m) => m[2])).toEqual(['train loss', 'train acc', 'test acc']);
    for (const m of lines) expect(m[1].split(' ')).toHaveLength(2);
  });

  it('prints the receptive-field table of the trained network', () => {
    expect(run.stdout).toMatch(/receptive field of the trained network \(receptiveField, traced\):/);
    expect(run.stdout).toContain('receptive field [16, 16], jump [4, 4], effective padding [2, 2]');
  });

  it(
    "trains d2l's recipe by default: sigmoid, average pooling, SGD lr 0.9, batch 256",
    () => {
      const out = runExamples(
        [
          'lenet',
          '--data',
          FASHION_MNIST_SUBSET,
          '--train-images',
          '512',
          '--test-images',
          '256',
          '--epochs',
          '1',
          '--out',
          tempDir('lenet-d2l'),
        ],
        { timeout: TIMEOUT },
      );
      expect(out.status, out.stderr).toBe(0);
      expect(out.stdout).toContain('(1): Sigmoid()');
      expect(out.stdout).toContain('(2): AvgPool2d(kernel_size=2, stride=2, padding=0)');
      expect(out.stdout).toMatch(/: 1 epochs, batch 256, SGD lr 0\.9, seed 0, \d+ thread\(s\)/);
      expect(epochs(out.stdout)).toHaveLength(1);
    },
    TIMEOUT,
  );

  describe('--predict', () => {
    let images: { png: string; jpeg: string; webp: string; photo: string };
    let expectedLabel: number;
    beforeAll(async () => {
      // a test image the trained model classifies, as a 28x28 PNG, JPEG and WebP, and as a
      // "photo": enlarged to 112x112 and inverted (a dark object on a light background)
      const test = FashionMNIST.fromDirectory(FASHION_MNIST_SUBSET, { split: 'test' });
      const [x] = test.get(0);
      const model = lenet({ activation: 'relu', pool: 'max' });
      model.loadStateDict(load(join(dir, 'lenet.safetensors')));
      model.eval();
      expectedLabel = argmax(model.forward(x.reshape([1, 1, 28, 28])), 1).item() as number;
      const levels = Buffer.from(test.images.subarray(0, 784));
      const raw = { raw: { width: 28, height: 28, channels: 1 as const } };
      const base = tempDir('lenet-predict');
      images = {
        png: join(base, 'item.png'),
        jpeg: join(base, 'item.jpg'),
        webp: join(base, 'item.webp'),
        photo: join(base, 'photo.jpg'),
      };
      await sharp(levels, raw).png().toFile(images.png);
      await sharp(levels, raw).jpeg({ quality: 100 }).toFile(images.jpeg);
      await sharp(levels, raw).webp({ lossless: true }).toFile(images.webp);
      await sharp(levels, raw)
        .negate()
        .resize(112, 112, { kernel: 'nearest' })
        .jpeg({ quality: 95 })
        .toFile(images.photo);
    }, TIMEOUT);

    it('classifies a PNG, JPEG or WebP image as the model does the dataset image', () => {
      const checkpoint = join(dir, 'lenet.safetensors');
      for (const file of [images.png, images.jpeg, images.webp, images.photo]) {
        const out = runExamples(['lenet', '--predict', file, '--checkpoint', checkpoint]);
        expect(out.status, `${file}: ${out.stderr}`).toBe(0);
        expect(out.stdout).toContain(`checkpoint ${checkpoint} (relu, max pooling)`);
        expect(out.stdout, file).toContain(
          `prediction: ${FashionMNIST.classes[expectedLabel]} (label ${expectedLabel}, p = `,
        );
      }
      const photo = runExamples(['lenet', '--predict', images.photo, '--checkpoint', checkpoint]);
      expect(photo.stdout).toContain(
        `read ${images.photo} (112x112), fitted into 28x28, inverted (light background)`,
      );
    });

    it('names a missing or unreadable image, and a missing or foreign checkpoint', () => {
      const base = tempDir('lenet-errors');
      const text = join(base, 'notes.jpg');
      writeFileSync(text, 'not an image');
      const truncated = join(base, 'cut.jpg');
      writeFileSync(truncated, readFileSync(images.photo).subarray(0, 100));
      const checkpoint = join(dir, 'lenet.safetensors');
      const foreign = join(base, 'foreign.safetensors');
      writeFileSync(foreign, readFileSync(join(dir, 'lenet.safetensors')).subarray(0, 50));
      const missing = join(base, 'missing.png');
      const cases: [string[], string][] = [
        [
          ['--predict', missing, '--checkpoint', checkpoint],
          `lenet --predict: cannot read '${missing}': no such file`,
        ],
        [
          ['--predict', text, '--checkpoint', checkpoint],
          `lenet --predict: '${text}' is not a PNG, JPEG or WebP file`,
        ],
        [
          ['--predict', truncated, '--checkpoint', checkpoint],
          `lenet --predict: '${truncated}' is not a readable JPEG (truncated or corrupt)`,
        ],
        [
          ['--predict', images.png, '--checkpoint', join(base, 'none.safetensors')],
          `lenet --predict: no checkpoint '${join(base, 'none.safetensors')}'`,
        ],
        [
          ['--predict', images.png, '--checkpoint', foreign],
          `lenet --predict: '${foreign}' is not a LeNet checkpoint`,
        ],
      ];
      for (const [args, message] of cases) {
        const out = runExamples(['lenet', ...args]);
        expect(out.status, args.join(' ')).toBe(1);
        expect(out.stderr).toContain(`error: ${message}`);
        expect(out.stderr).not.toMatch(/\n\s+at /);
      }
    });
  });

  it('names a data folder that is missing or corrupt, and bad options', () => {
    const base = tempDir('lenet-data');
    writeFileSync(
      join(base, 'train-images-idx3-ubyte.gz'),
      readFileSync(join(FASHION_MNIST_SUBSET, 'train-images-idx3-ubyte.gz')).subarray(0, 1000),
    );
    writeFileSync(
      join(base, 'train-labels-idx1-ubyte.gz'),
      readFileSync(join(FASHION_MNIST_SUBSET, 'train-labels-idx1-ubyte.gz')),
    );
    const missing = join(base, 'nowhere');
    const cases: [string[], string, NodeJS.ProcessEnv?][] = [
      [
        ['--data', missing],
        `lenet: cannot read Fashion-MNIST from ${missing} (from --data): FashionMNIST.fromDirectory: no folder '${missing}'`,
      ],
      [
        ['--data', base],
        `lenet: cannot read Fashion-MNIST from ${base} (from --data): FashionMNIST.fromDirectory: '${join(base, 'train-images-idx3-ubyte.gz')}' is a corrupt gzip file`,
      ],
      [
        [],
        `lenet: cannot read Fashion-MNIST from ${missing} (from FASHION_MNIST_DIR): FashionMNIST.fromDirectory: no folder`,
        { FASHION_MNIST_DIR: missing },
      ],
      [['--activation', 'tanh'], "lenet: --activation must be one of sigmoid, relu, got 'tanh'"],
      [
        ['--predict', 'x.png', '--epochs', '3'],
        'lenet: --epochs is for training; --predict reads a checkpoint',
      ],
      [['--batch', '0'], "lenet: --batch must be an integer >= 1, got '0'"],
    ];
    for (const [args, message, env] of cases) {
      const out = runExamples(['lenet', ...args], { env });
      expect(out.status, args.join(' ')).toBe(1);
      expect(out.stderr).toContain(`error: ${message}`);
    }
  });
});

describe('the data lenet trains on', () => {
  it('falls back to the embedded subset when no folder is named and the full set is absent, and says so', () => {
    const saved = process.env.FASHION_MNIST_DIR;
    delete process.env.FASHION_MNIST_DIR;
    try {
      const data = loadFashionMnist('lenet', undefined, '/nonexistent/fashion-mnist');
      expect(data.subset).toBe(true);
      expect([data.train.length, data.test.length]).toEqual([5000, 1000]);
      expect(data.description).toBe(
        `the embedded Fashion-MNIST subset in ${FASHION_MNIST_SUBSET} (5000 train, 1000 test images); install Debian's dataset-fashion-mnist or pass --data DIR for the full set`,
      );
    } finally {
      if (saved !== undefined) process.env.FASHION_MNIST_DIR = saved;
    }
  });
});
