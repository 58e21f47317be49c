import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  Flatten,
  type Gradients,
  Linear,
  MaxPool2d,
  Module,
  Parameter,
  ReLU,
  Sequential,
} from '../src/index.js';
import { type GoldenTensor, loadGolden } from './helpers/golden.js';

interface BackwardRecord {
  grad_input: (GoldenTensor | null)[];
  grad_output: (GoldenTensor | null)[];
}

interface Recorded {
  x_requires_grad: boolean;
  y: GoldenTensor;
  outputs: Record<string, GoldenTensor>;
  backward: Record<string, BackwardRecord>;
  backward_order: string[];
  gx: GoldenTensor | null;
}

interface SeveralInputs {
  a: GoldenTensor;
  b: GoldenTensor;
  c: GoldenTensor;
  g: GoldenTensor;
  s: number;
  recorded: {
    ga: GoldenTensor;
    gc: GoldenTensor;
    grad_input: (GoldenTensor | null)[];
    grad_output: (GoldenTensor | null)[];
  };
  replaced: { ga: GoldenTensor; gc: GoldenTensor };
}

interface Case {
  names: string[];
  state_dict: Record<string, GoldenTensor>;
  x: GoldenTensor;
  gy: GoldenTensor;
  recorded: Recorded[];
  modified: { y: GoldenTensor; gx: GoldenTensor };
  several_inputs: SeveralInputs;
  chained: { x: GoldenTensor; gx: GoldenTensor };
}

const [golden] = loadGolden<{ cases: Case[] }>('module_hooks.json').cases;

function f64(g: GoldenTensor): Tensor {
  return tensor(g.data, { dtype: 'float64' }).reshape(g.shape);
}

/** Both in float64: |a - b| <= 1e-10 + 1e-10 |b|. */
function expectNear(actual: Tensor | null, expected: GoldenTensor | null, what: string): void {
  // A gradient PyTorch materialised for an int64 input is an int32 tensor here; values compare alike.
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect([...actual!.shape], `${what}: shape`).toEqual(expected.shape);
  const a = actual!.dataSync();
  expected.data.forEach((b, i) => {
    const tolerance = 1e-10 + 1e-10 * Math.abs(b);
    if (!(Math.abs(Number(a[i]) - b) <= tolerance)) {
      expect.fail(`${what}: element ${i} is ${a[i]}, expected ${b} (tolerance ${tolerance})`);
    }
  });
}

/** The net of make/module_hooks.py, in float64, with PyTorch's parameters under PyTorch's keys. */
function makeNet(): Sequential {
  const net = new Sequential(
    new Conv2d(2, 3, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(27, 4),
  );
  const modules = new Map(net.namedModules());
  for (const [key, value] of Object.entries(golden.state_dict)) {
    const dot = key.lastIndexOf('.');
    modules.get(key.slice(0, dot))!.registerParameter(key.slice(dot + 1), new Parameter(f64(value)));
  }
  expect(Object.keys(net.stateDict())).toEqual(Object.keys(golden.state_dict));
  return net;
}

function lossOf(y: Tensor): Tensor {
  return y.mul(f64(golden.gy)).sum();
}

describe('module hooks against PyTorch (module_hooks.json)', () => {
  for (const expected of golden.recorded) {
    it(`forward and full backward hooks record what PyTorch's do (x requires grad: ${expected.x_requires_grad})`, () => {
      const net = makeNet();
      const named: [string, Module][] = net.namedModules();
      expect(named.map(([name]) => name)).toEqual(golden.names);
      const outputs = new Map<string, Tensor>();
      const backward = new Map<string, { gradInputs: (Tensor | null)[]; gradOutputs: (Tensor | null)[] }>();
      const order: string[] = [];
      for (const [name, module] of named) {
        module.registerForwardHook((_m, _inputs, output) => {
          outputs.set(name, output as Tensor);
        });
        module.registerFullBackwardHook((_m, gradInputs, gradOutputs) => {
          order.push(name);
          backward.set(name, { gradInputs, gradOutputs });
        });
      }
      const x = f64(golden.x).requiresGrad_(expected.x_requires_grad);
      const y = net.forward(x) as Tensor;
      expectNear(y, expected.y, 'output');
      lossOf(y).backward();

      expect(order).toEqual(expected.backward_order);
      for (const name of golden.names) {
        expectNear(outputs.get(name)!, expected.outputs[name], `output of '${name}'`);
        const got = backward.get(name)!;
        const want = expected.backward[name];
        expect(got.gradInputs.length, `'${name}' gradInputs`).toBe(want.grad_input.length);
        expect(got.gradOutputs.length, `'${name}' gradOutputs`).toBe(want.grad_output.length);
        want.grad_input.forEach((g, i) => expectNear(got.gradInputs[i], g, `gradInputs[${i}] of '${name}'`));
        want.grad_output.forEach((g, i) =>
          expectNear(got.gradOutputs[i], g, `gradOutputs[${i}] of '${name}'`),
        );
      }
      expectNear(x.grad, expected.gx, 'x.grad');
    });
  }

  it('a pre-hook and a forward hook that replace inputs and outputs change the result as in PyTorch', () => {
    const net = makeNet();
    const linear = net.at(4);
    const relu = net.at(1);
    linear.registerForwardPreHook((_m, inputs) => (inputs[0] as Tensor).mul(2));
    relu.registerForwardHook((_m, _inputs, output) => (output as Tensor).add(0.5));
    const x = f64(golden.x).requiresGrad_();
    const y = net.forward(x) as Tensor;
    expectNear(y, golden.modified.y, 'output');
    lossOf(y).backward();
    expectNear(x.grad, golden.modified.gx, 'x.grad');
  });

  it('full backward hooks see every argument of a module with several inputs as PyTorch does', () => {
    class SeveralInputs extends Module {
      override forward(a: Tensor, b: Tensor, _c: Tensor, i: Tensor, s: number): [Tensor, Tensor, Tensor] {
        return [a.mul(b).mul(s), a.add(1), i];
      }
    }
    const { several_inputs: golden5 } = golden;
    const module = new SeveralInputs();
    const run = () => {
      const a = f64(golden5.a).requiresGrad_();
      const c = f64(golden5.c).requiresGrad_();
      const [out] = module.forward(a, f64(golden5.b), c, tensor([1, 2], { dtype: 'int32' }), golden5.s);
      out.mul(f64(golden5.g)).sum().backward();
      return { a, c };
    };
    let seen: Gradients[] = [];
    const record = module.registerFullBackwardHook((_m, gradInputs, gradOutputs) => {
      seen = [gradInputs, gradOutputs];
    });
    const recorded = run();
    record.remove();
    const want = golden5.recorded;
    expect(seen[0]).toHaveLength(want.grad_input.length);
    want.grad_input.forEach((g, i) => expectNear(seen[0][i], g, `gradInputs[${i}]`));
    expect(seen[1]).toHaveLength(want.grad_output.length);
    want.grad_output.forEach((g, i) => expectNear(seen[1][i], g, `gradOutputs[${i}]`));
    expectNear(recorded.a.grad, want.ga, 'a.grad');
    expectNear(recorded.c.grad, want.gc, 'c.grad (zeros, as PyTorch materialises them)');

    module.registerFullBackwardHook((_m, gradInputs) => [
      (gradInputs[0] as Tensor).mul(3),
      null,
      tensor([1, 1, 1], { dtype: 'float64' }),
      null,
      null,
    ]);
    const replaced = run();
    expectNear(replaced.a.grad, golden5.replaced.ga, 'a.grad after replacement');
    expectNear(replaced.c.grad, golden5.replaced.gc, 'c.grad after replacement');
  });

  it('full backward hooks chain their replacements in registration order as in PyTorch', () => {
    const relu = new ReLU();
    relu.registerFullBackwardHook((_m, gradInputs) => [(gradInputs[0] as Tensor).mul(10)]);
    relu.registerFullBackwardHook((_m, gradInputs) => [(gradInputs[0] as Tensor).add(1)]);
    const x = f64(golden.chained.x).requiresGrad_();
    relu.forward(x).sum().backward();
    expectNear(x.grad, golden.chained.gx, 'x.grad');
  });
});
