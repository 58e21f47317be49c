import { type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
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

interface Case {
  names: string[];
  state_dict: Record<string, GoldenTensor>;
  x: GoldenTensor;
  gy: GoldenTensor;
  recorded: Recorded[];
  modified: { y: GoldenTensor; gx: GoldenTensor };
}

const [golden] = loadGolden<{ cases: Case[] }>('module_hooks.json').cases;

function f64(g: GoldenTensor): Tensor {
  return tensor(g.data, { dtype: 'float64' }).reshape(g.shape);
}

/** Both in float64: |a - b| <= 1e-10 + 1e-10 |b|. */
function expectNear(actual: Tensor | null, expected: GoldenTensor | null, what: string): void {
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
});
