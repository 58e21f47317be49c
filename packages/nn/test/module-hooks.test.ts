import { noGrad } from '@fovea/autograd';
import { ones, randn, type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm2d,
  Conv2d,
  Flatten,
  LazyConv2d,
  Linear,
  MaxPool2d,
  Module,
  ModuleList,
  ReLU,
  Sequential,
} from '../src/index.js';

/** A model as a user writes it: its forward calls its children's forwards. */
class SmallNet extends Module {
  conv1 = new Conv2d(1, 2, 3, { padding: 1 });
  relu = new ReLU();
  pool = new MaxPool2d(2);
  head = new Linear(8, 3);

  override forward(x: Tensor): Tensor {
    const features = this.pool.forward(this.relu.forward(this.conv1.forward(x)));
    return this.head.forward(features.reshape([x.shape[0], -1]));
  }
}

/** Two tensor inputs and a number: forward(a, b, scale) = a * b * scale. */
class Product extends Module {
  override forward(a: Tensor, b: Tensor, scale: number): Tensor {
    return a.mul(b).mul(scale);
  }
}

const input = () => tensor(Array.from({ length: 32 }, (_, i) => Math.sin(i))).reshape([2, 1, 4, 4]);

describe('forward hooks', () => {
  it("capture feature maps as the README's example does", () => {
    class Net extends Module {
      features = new Sequential(
        new Conv2d(3, 16, 3, { padding: 1 }),
        new BatchNorm2d(16),
        new ReLU(),
        new MaxPool2d(2),
      );
      head = new Sequential(new Flatten(), new Linear(16 * 16 * 16, 10));

      override forward(x: Tensor): Tensor {
        return this.head.forward(this.features.forward(x));
      }
    }
    const net = new Net();
    const featureMaps = new Map<string, Tensor>();
    const handles = net.features.namedChildren().map(([name, layer]) =>
      layer.registerForwardHook((_module, _inputs, output) => {
        featureMaps.set(name, (output as Tensor).detach());
      }),
    );
    net.forward(randn([1, 3, 32, 32]));
    expect(featureMaps.get('0')!.shape).toEqual([1, 16, 32, 32]);
    expect(featureMaps.get('3')!.shape).toEqual([1, 16, 16, 16]);
    for (const handle of handles) handle.remove();
    expect([...featureMaps.keys()]).toEqual(['0', '1', '2', '3']);
  });

  it('capture feature maps of nested children, as a user would write it', () => {
    const model = new SmallNet();
    const featureMaps: Record<string, Tensor> = {};
    const handles = ['conv1', 'pool'].map((name) =>
      (model as unknown as Record<string, Module>)[name].registerForwardHook((_module, _inputs, output) => {
        featureMaps[name] = (output as Tensor).detach();
      }),
    );
    const y = model.forward(input());
    expect(y.shape).toEqual([2, 3]);
    expect(featureMaps.conv1.shape).toEqual([2, 2, 4, 4]);
    expect(featureMaps.pool.shape).toEqual([2, 2, 2, 2]);
    expect(featureMaps.pool.toArray()).toEqual(
      model.pool.forward(model.relu.forward(model.conv1.forward(input()))).toArray(),
    );
    for (const handle of handles) handle.remove();
  });

  it('fire for the children of Sequential and ModuleList and on the container itself', () => {
    const calls: string[] = [];
    const seq = new Sequential(new Linear(2, 2), new ReLU());
    const list = new ModuleList([seq, new Linear(2, 1)]);
    for (const [name, module] of list.namedModules()) {
      module.registerForwardPreHook(() => {
        calls.push(`pre ${name}`);
      });
      module.registerForwardHook(() => {
        calls.push(`post ${name}`);
      });
    }
    let x: Tensor = ones([1, 2]);
    for (const module of list) x = module.forward(x) as Tensor;
    expect(calls).toEqual([
      'pre 0',
      'pre 0.0',
      'post 0.0',
      'pre 0.1',
      'post 0.1',
      'post 0',
      'pre 1',
      'post 1',
    ]);
  });

  it('run in registration order, and prepend puts a hook first', () => {
    const calls: number[] = [];
    const relu = new ReLU();
    relu.registerForwardHook(() => void calls.push(1));
    relu.registerForwardHook(() => void calls.push(2));
    relu.registerForwardHook(() => void calls.push(0), { prepend: true });
    relu.registerForwardPreHook(() => void calls.push(-1));
    relu.registerForwardPreHook(() => void calls.push(-2), { prepend: true });
    relu.forward(ones([1]));
    expect(calls).toEqual([-2, -1, 0, 1, 2]);
  });

  it('replace inputs (one value or an array) and the output with what they return', () => {
    const product = new Product();
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    const pre = product.registerForwardPreHook((_m, inputs) => [inputs[1], inputs[0], 10]);
    expect(product.forward(a, b, 1).toArray()).toEqual(b.mul(a).mul(10).toArray());
    pre.remove();
    const relu = new ReLU();
    relu.registerForwardPreHook((_m, inputs) => (inputs[0] as Tensor).neg());
    const seen: unknown[][] = [];
    relu.registerForwardHook((_m, inputs) => void seen.push(inputs));
    relu.registerForwardHook((_m, _inputs, output) => (output as Tensor).add(1));
    relu.registerForwardHook((_m, _inputs, output) => (output as Tensor).mul(2));
    const x = tensor([-1, 2]);
    expect(relu.forward(x).toArray()).toEqual(x.neg().relu().add(1).mul(2).toArray());
    expect((seen[0][0] as Tensor).toArray()).toEqual(x.neg().toArray());
  });

  it('stop when their handle is removed; the last removal leaves the module as it was', () => {
    const relu = new ReLU();
    let count = 0;
    const first = relu.registerForwardHook(() => void count++);
    const second = relu.registerForwardPreHook(() => void count++);
    expect(Object.getOwnPropertyDescriptor(relu, 'forward')?.enumerable).toBe(false);
    relu.forward(ones([1]));
    expect(count).toBe(2);
    first.remove();
    first.remove();
    relu.forward(ones([1]));
    expect(count).toBe(3);
    second.remove();
    relu.forward(ones([1]));
    expect(count).toBe(3);
    expect(Object.getOwnPropertyDescriptor(relu, 'forward')).toBeUndefined();
    expect(first.id).not.toBe(second.id);
  });

  it('with alwaysCall run when forward throws, and the error goes on', () => {
    const linear = new Linear(3, 1);
    const outputs: unknown[] = [];
    linear.registerForwardHook((_m, _i, output) => void outputs.push(output), { alwaysCall: true });
    linear.registerForwardHook(() => void outputs.push('not always'));
    expect(() => linear.forward(ones([1, 2]))).toThrow();
    expect(outputs).toEqual([undefined]);
  });

  it('are no parameter, child, buffer or state-dict entry, and change neither printing nor modes', () => {
    const model = new SmallNet();
    const before = { keys: Object.keys(model), text: String(model), sd: Object.keys(model.stateDict()) };
    for (const module of model.modules()) {
      module.registerForwardHook(() => undefined);
      module.registerFullBackwardHook(() => undefined);
    }
    expect(Object.keys(model)).toEqual(before.keys);
    expect(String(model)).toBe(before.text);
    expect(Object.keys(model.stateDict())).toEqual(before.sd);
    expect(model.parameters()).toHaveLength(4);
    expect(model.children()).toHaveLength(4);
    const visited: Module[] = [];
    model.apply((m) => void visited.push(m));
    expect(visited).toHaveLength(5);
    expect(
      model
        .eval()
        .modules()
        .every((m) => !m.training),
    ).toBe(true);
    model.loadStateDict(model.stateDict());
  });

  it('fire on a LazyConv2d through its first forward, after which it is a Conv2d', () => {
    const lazy = new LazyConv2d(2, 3);
    const shapes: number[][] = [];
    lazy.registerForwardHook((_m, _i, output) => void shapes.push([...(output as Tensor).shape]));
    lazy.forward(ones([1, 3, 5, 5]));
    expect(lazy).toBeInstanceOf(Conv2d);
    expect(String(lazy)).toBe('Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1))');
    lazy.forward(ones([1, 3, 4, 4]));
    expect(shapes).toEqual([
      [1, 2, 3, 3],
      [1, 2, 2, 2],
    ]);
  });

  it('keep firing under a forward wrapped on top of theirs, as a receptive-field trace wraps and restores it', () => {
    const relu = new ReLU();
    let hookCalls = 0;
    const handle = relu.registerForwardHook(() => void hookCalls++);
    // What @fovea/receptive-field's withModuleCalls does: wrap the current forward, restore it after.
    const saved = Object.getOwnPropertyDescriptor(relu, 'forward');
    const inner = relu.forward;
    let traced = 0;
    Object.defineProperty(relu, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (...args: unknown[]) => {
        traced++;
        return inner.apply(relu, args as Parameters<typeof inner>);
      },
    });
    relu.forward(ones([1]));
    expect([traced, hookCalls]).toEqual([1, 1]);
    Object.defineProperty(relu, 'forward', saved!);
    relu.forward(ones([1]));
    expect([traced, hookCalls]).toEqual([1, 2]);
    handle.remove();
    relu.forward(ones([1]));
    expect(hookCalls).toBe(2);
    expect(Object.getOwnPropertyDescriptor(relu, 'forward')).toBeUndefined();
  });

  it('reject a hook that is not a function', () => {
    expect(() => new ReLU().registerForwardHook(null as never)).toThrow(
      'registerForwardHook: hook should be a function, got null',
    );
  });
});

describe('full backward hooks', () => {
  it("keep what they were handed: later steps never reuse those gradients' memory", () => {
    // Large enough (8 x 6 x 28 x 28) for the gradients' arrays to be pooled once dead.
    const net = new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }),
      new ReLU(),
      new Conv2d(6, 6, 3, { padding: 1 }),
    );
    const kept: Tensor[] = [];
    net.at(2).registerFullBackwardHook((_m, gradInputs, gradOutputs) => {
      for (const g of [...gradInputs, ...gradOutputs]) if (g !== null) kept.push(g);
    });
    const x = randn([8, 1, 28, 28]);
    net.forward(x).sigmoid().sum().backward();
    const copies = kept.map((g) => g.toArray());
    for (let step = 0; step < 3; step++)
      net
        .forward(randn([8, 1, 28, 28]))
        .sigmoid()
        .sum()
        .backward();
    copies.forEach((c, i) => expect(kept[i].toArray()).toEqual(c));
  });

  it('fire again in a second backward through a retained graph, and not once removed', () => {
    const linear = new Linear(2, 2);
    const x = ones([1, 2]).requiresGrad_();
    let count = 0;
    const handle = linear.registerFullBackwardHook(() => void count++);
    const loss = linear.forward(x).sum();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    expect(count).toBe(2);
    handle.remove();
    linear.forward(x).sum().backward();
    expect(count).toBe(2);
    expect(Object.getOwnPropertyDescriptor(linear, 'forward')).toBeUndefined();
  });

  it('with no input requiring grad fire at the outputs, and may not replace anything', () => {
    const linear = new Linear(2, 1);
    const seen: (Tensor | null)[][] = [];
    linear.registerFullBackwardHook((_m, gradInputs, gradOutputs) => void seen.push(gradInputs, gradOutputs));
    linear
      .forward(ones([1, 2]))
      .sum()
      .backward();
    expect(seen[0]).toEqual([null]);
    expect(seen[1][0]?.shape).toEqual([1, 1]);
    expect(linear.weight.grad).not.toBeNull();

    const other = new Linear(2, 1);
    other.registerFullBackwardHook(() => [ones([1, 2])]);
    expect(() =>
      other
        .forward(ones([1, 2]))
        .sum()
        .backward(),
    ).toThrow(
      'Backward hook for Modules where no input requires gradient should always return null or null for all gradients.',
    );
  });

  it('name what is wrong with a replacement of the wrong length or shape', () => {
    const relu = new ReLU();
    const handle = relu.registerFullBackwardHook(() => []);
    expect(() =>
      relu
        .forward(ones([2]).requiresGrad_())
        .sum()
        .backward(),
    ).toThrow('Backward hook returned an invalid number of grad_input, got 0, but expected 1');
    handle.remove();
    relu.registerFullBackwardHook(() => [ones([3])]);
    expect(() =>
      relu
        .forward(ones([2]).requiresGrad_())
        .sum()
        .backward(),
    ).toThrow('registerFullBackwardHook: a hook returned a gradient of shape [3] for input 0 of shape [2]');
  });

  it('see the outputs of a module that returns an array, null for one that needs no gradient', () => {
    class TwoOutputs extends Module {
      override forward(x: Tensor): [Tensor, Tensor, Tensor] {
        return [x.mul(2), x.mul(3), tensor([1, 2], { dtype: 'int32' })];
      }
    }
    const module = new TwoOutputs();
    const x = tensor([1, 1]).requiresGrad_();
    let gradOutputs: (Tensor | null)[] = [];
    module.registerFullBackwardHook((_m, _gi, go) => {
      gradOutputs = go;
    });
    const [p] = module.forward(x);
    p.sum().backward();
    expect(gradOutputs.map((g) => g?.shape ?? null)).toEqual([[2], null, null]);
    expect(x.grad).not.toBeNull();
  });

  it('are not set up where no gradient is recorded', () => {
    const relu = new ReLU();
    relu.registerFullBackwardHook(() => undefined);
    const y = noGrad(() => relu.forward(ones([2]).requiresGrad_()));
    expect(y.gradFn).toBeNull();
  });
});
