import { rand } from '@fovea/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzzModule } from '../../tensor/test/fuzz/harness.js';
import * as nn from '../src/index.js';

/** Issue 17's fuzz suite over every export of @fovea/nn (see tensor's test/fuzz/harness.ts). */

/**
 * They write and read files: fuzzed in fuzz-files.test.ts, with every path inside a temporary
 * folder (never elsewhere: a hostile path such as /dev/null, renamed over as root, would replace
 * a system file). `Module.to` needs a device: fuzzed in fuzz-device.test.ts.
 */
const FILES = new Set(['save', 'load']);

/** Valid values of @fovea/nn, so that calls get past the first check: layers, images, bytes. */
const valid = [
  fc
    .constantFrom(
      () => new nn.Conv2d(1, 2, 3),
      () => new nn.Linear(3, 2),
      () => new nn.Sequential(new nn.Conv2d(1, 1, 3), new nn.ReLU()),
      () => new nn.MaxPool2d(2, { returnIndices: true }),
    )
    .map((make) => make()),
  fc
    .constantFrom(
      () => rand([1, 1, 6, 6]),
      () => rand([2, 3]),
    )
    .map((make) => make()),
  fc.constantFrom(() => nn.serialize({ w: rand([2, 2]) })).map((make) => make()),
];

/**
 * A module's forward reports the functional op it runs, as PyTorch's does (`nn.ReLU()('a')`
 * fails in `relu`): the names each `Class.forward` may report under besides its own.
 */
const FUNCTIONAL_OF_MODULE: Record<string, string> = {
  ReLU: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softmax: 'softmax',
  LogSoftmax: 'log_softmax',
  Dropout: 'dropout',
  Flatten: 'flatten',
  AvgPool2d: 'avg_pool2d',
  MaxPool2d: 'max_pool2d',
  MaxUnpool2d: 'max_unpool2d',
  AdaptiveAvgPool2d: 'adaptive_avg_pool2d',
  Conv2D: 'corr2d',
  Conv2d: 'conv2d',
  LazyConv2d: 'conv2d',
  Linear: 'linear',
  LazyLinear: 'linear',
  MSELoss: 'mse_loss',
  CrossEntropyLoss: 'cross_entropy',
};
const aliases = Object.fromEntries(
  Object.entries(FUNCTIONAL_OF_MODULE).map(([module, op]) => [`${module}.forward`, [op]]),
);

/**
 * Module's public methods, called on each layer after its constructor; `forward` last, to meet
 * what the others registered or changed.
 */
const MODULE_METHODS = [
  ...['loadStateDict', 'stateDict', 'apply', 'train', 'zeroGrad', 'registerBuffer', 'registerParameter'],
  ...['registerModule', 'registerForwardHook', 'registerForwardPreHook', 'registerFullBackwardHook'],
  ...['namedParameters', 'namedModules', 'namedBuffers', 'forward'],
];

/** A valid instance of each layer that takes arguments, whose methods are fuzzed when the fuzzed constructor fails. */
const instances: Record<string, () => unknown> = {
  Conv2d: () => new nn.Conv2d(1, 2, 3),
  Conv2D: () => new nn.Conv2D([2, 2]),
  LazyConv2d: () => new nn.LazyConv2d(2, 3),
  Linear: () => new nn.Linear(3, 2),
  LazyLinear: () => new nn.LazyLinear(2),
  BatchNorm2d: () => new nn.BatchNorm2d(2),
  MaxPool2d: () => new nn.MaxPool2d(2),
  AvgPool2d: () => new nn.AvgPool2d(2),
  AdaptiveAvgPool2d: () => new nn.AdaptiveAvgPool2d(2),
  MaxUnpool2d: () => new nn.MaxUnpool2d(2),
  Sequential: () => new nn.Sequential(new nn.Conv2d(1, 1, 3), new nn.ReLU()),
  ModuleList: () => new nn.ModuleList([new nn.Linear(2, 2)]),
  Parameter: () => new nn.Parameter(rand([2])),
};

/** A container's forward reports the error of the child that failed, as PyTorch's does. */
function heldNames(instance: unknown): string[] {
  if (!(instance instanceof nn.Module)) return [];
  // A lazy module names itself by the class it becomes (LazyConv2d reports as Conv2d once it
  // has its shapes), as PyTorch's does.
  const own = (instance as unknown as { getName(): string }).getName();
  const children = instance.modules().slice(1);
  return [
    `${own}(`,
    ...MODULE_METHODS.map((method) => `${own}.${method}`),
    ...children.flatMap((child) => {
      const name = child.constructor.name;
      return [
        `${name}.forward`,
        `${name}(`,
        ...(FUNCTIONAL_OF_MODULE[name] ? [FUNCTIONAL_OF_MODULE[name]] : []),
      ];
    }),
  ];
}

describe('fuzz: @fovea/nn', () => {
  it.each(
    fuzzModule(nn as Record<string, unknown>, {
      runs: 40,
      methods: MODULE_METHODS,
      instances,
      skip: FILES,
      valid,
      aliases,
      heldNames,
    }),
  )('%s', (_, run) => run());
  it.each(
    fuzzModule(nn.functional as Record<string, unknown>, {
      runs: 60,
      valid,
      // PyTorch gives NaN too: log of a probability that is 0, a mean over nothing.
      mayMakeNaN: new Set(['crossEntropy', 'nllLoss', 'logSoftmax', 'mseLoss']),
    }),
  )('functional.%s', (_, run) => run());
  it.each(fuzzModule(nn.init as Record<string, unknown>, { runs: 60, valid }))('init.%s', (_, run) => run());
});
