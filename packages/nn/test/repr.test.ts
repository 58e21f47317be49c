import { zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  Dropout,
  Flatten,
  Identity,
  LazyConv2d,
  Linear,
  MaxPool2d,
  Module,
  ModuleList,
  MSELoss,
  Parameter,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../src/index.js';
import { pyFloat } from '../src/module/repr.js';

// Expected strings follow PyTorch's Module.__repr__ and each class's extra_repr
// (torch/nn/modules/conv.py, batchnorm.py, pooling.py, linear.py, dropout.py, flatten.py,
// container.py): what `print(model)` shows for the same model built in PyTorch.

class Head extends Module {
  fc = new Linear(32, 10);
  drop = new Dropout(0.25);
}

class Block extends Module {
  conv: Conv2d;
  act: ReLU;
  constructor() {
    super();
    this.conv = new Conv2d(4, 4, 1);
    this.act = new ReLU();
  }
  override extraRepr(): string {
    return 'scale=2';
  }
}

describe('toString prints modules as PyTorch does', () => {
  it("prints the chapter's learned layer", () => {
    expect(String(new Conv2d(1, 1, [1, 2], { bias: false }))).toBe(
      'Conv2d(1, 1, kernel_size=(1, 2), stride=(1, 1), bias=False)',
    );
  });

  it('prints every Conv2d option PyTorch prints, in its order', () => {
    expect(String(new Conv2d(3, 16, 3))).toBe('Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1))');
    expect(
      String(
        new Conv2d(16, 32, [3, 5], {
          stride: [2, 1],
          padding: [1, 2],
          dilation: 2,
          groups: 4,
          bias: false,
          paddingMode: 'reflect',
        }),
      ),
    ).toBe(
      'Conv2d(16, 32, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 2), groups=4, bias=False, padding_mode=reflect)',
    );
    expect(String(new Conv2d(1, 3, 3, { padding: 'same' }))).toBe(
      'Conv2d(1, 3, kernel_size=(3, 3), stride=(1, 1), padding=same)',
    );
    expect(String(new Conv2d(1, 3, 3, { padding: 'valid', paddingMode: 'circular' }))).toBe(
      'Conv2d(1, 3, kernel_size=(3, 3), stride=(1, 1), padding=valid, padding_mode=circular)',
    );
    expect(String(new Conv2d(2, 2, 3, { padding: 0, dilation: [1, 1] }))).toBe(
      'Conv2d(2, 2, kernel_size=(3, 3), stride=(1, 1))',
    );
  });

  it('prints the other layers', () => {
    expect(String(new BatchNorm2d(16))).toBe(
      'BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
    );
    expect(
      String(new BatchNorm2d(8, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false })),
    ).toBe('BatchNorm2d(8, eps=0.001, momentum=None, affine=False, track_running_stats=False)');
    expect(String(new MaxPool2d(2))).toBe(
      'MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
    );
    expect(String(new MaxPool2d([3, 2], { stride: 2, padding: 1, ceilMode: true }))).toBe(
      'MaxPool2d(kernel_size=(3, 2), stride=2, padding=1, dilation=1, ceil_mode=True)',
    );
    expect(String(new AvgPool2d(2))).toBe('AvgPool2d(kernel_size=2, stride=2, padding=0)');
    expect(String(new AvgPool2d([2, 2], { stride: 1, padding: [1, 0] }))).toBe(
      'AvgPool2d(kernel_size=(2, 2), stride=1, padding=(1, 0))',
    );
    expect(String(new AdaptiveAvgPool2d([1, 1]))).toBe('AdaptiveAvgPool2d(output_size=(1, 1))');
    expect(String(new AdaptiveAvgPool2d(7))).toBe('AdaptiveAvgPool2d(output_size=7)');
    expect(String(new AdaptiveAvgPool2d([null, 7]))).toBe('AdaptiveAvgPool2d(output_size=(None, 7))');
    expect(String(new Linear(4, 2))).toBe('Linear(in_features=4, out_features=2, bias=True)');
    expect(String(new Linear(4, 2, { bias: false }))).toBe(
      'Linear(in_features=4, out_features=2, bias=False)',
    );
    expect(String(new ReLU())).toBe('ReLU()');
    expect(String(new Sigmoid())).toBe('Sigmoid()');
    expect(String(new Tanh())).toBe('Tanh()');
    expect(String(new Dropout())).toBe('Dropout(p=0.5, inplace=False)');
    expect(String(new Dropout(0.25))).toBe('Dropout(p=0.25, inplace=False)');
    expect(String(new Flatten())).toBe('Flatten(start_dim=1, end_dim=-1)');
    expect(String(new Flatten(0, 2))).toBe('Flatten(start_dim=0, end_dim=2)');
    expect(String(new Identity())).toBe('Identity()');
    expect(String(new MSELoss())).toBe('MSELoss()');
    expect(String(new CrossEntropyLoss())).toBe('CrossEntropyLoss()');
    expect(String(new LazyConv2d(4, 3))).toBe('LazyConv2d(0, 4, kernel_size=(3, 3), stride=(1, 1))');
    expect(String(new Sequential())).toBe('Sequential()');
    expect(String(new ModuleList())).toBe('ModuleList()');
  });

  it('prints a nested tree with indentation, indices and named children', () => {
    const model = new Sequential(
      new Conv2d(3, 16, 3, { padding: 1 }),
      new BatchNorm2d(16),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(16, 32, [3, 5], { stride: [2, 1], padding: [1, 2], groups: 4, bias: false }),
      new AvgPool2d([2, 2], { stride: 1 }),
      new AdaptiveAvgPool2d([1, 1]),
      new Flatten(),
      new Head(),
    );
    expect(String(model)).toBe(
      [
        'Sequential(',
        '  (0): Conv2d(3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))',
        '  (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (2): ReLU()',
        '  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)',
        '  (4): Conv2d(16, 32, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), groups=4, bias=False)',
        '  (5): AvgPool2d(kernel_size=(2, 2), stride=1, padding=0)',
        '  (6): AdaptiveAvgPool2d(output_size=(1, 1))',
        '  (7): Flatten(start_dim=1, end_dim=-1)',
        '  (8): Head(',
        '    (fc): Linear(in_features=32, out_features=10, bias=True)',
        '    (drop): Dropout(p=0.25, inplace=False)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('puts extra_repr lines before the children, and nests three levels deep', () => {
    const outer = new Sequential({
      block: new Block(),
      head: new Sequential(new Flatten(), new Linear(4, 1)),
    });
    expect(String(outer)).toBe(
      [
        'Sequential(',
        '  (block): Block(',
        '    scale=2',
        '    (conv): Conv2d(4, 4, kernel_size=(1, 1), stride=(1, 1))',
        '    (act): ReLU()',
        '  )',
        '  (head): Sequential(',
        '    (0): Flatten(start_dim=1, end_dim=-1)',
        '    (1): Linear(in_features=4, out_features=1, bias=True)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it("compresses runs of identical modules in a ModuleList, as PyTorch's ModuleList.__repr__ does", () => {
    const list = new ModuleList([
      new Linear(2, 2),
      new Linear(2, 2),
      new Linear(2, 2),
      new ReLU(),
      new Head(),
    ]);
    expect(String(list)).toBe(
      [
        'ModuleList(',
        '  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)',
        '  (3): ReLU()',
        '  (4): Head(',
        '    (fc): Linear(in_features=32, out_features=10, bias=True)',
        '    (drop): Dropout(p=0.25, inplace=False)',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('prints a Parameter as "Parameter containing:" and the tensor', () => {
    expect(String(new Parameter(zeros([1, 2])))).toBe(
      'Parameter containing:\ntensor([[0., 0.]], requires_grad=True)',
    );
  });

  it("spells floats as Python's repr does", () => {
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(0.1)).toBe('0.1');
    expect(pyFloat(1)).toBe('1.0');
    expect(pyFloat(0.0001)).toBe('0.0001');
    expect(pyFloat(0.00001234)).toBe('1.234e-05');
    expect(pyFloat(1.5e-7)).toBe('1.5e-07');
    expect(pyFloat(123.456)).toBe('123.456');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(1e15)).toBe('1000000000000000.0');
  });
});
