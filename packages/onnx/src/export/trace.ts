import { AccumulateGrad, enableGrad, gradientEdge, type Node } from '@fovea/autograd';
import { BatchNorm2d, Linear, LogSoftmax, type Module, Softmax } from '@fovea/nn';
import { type Tensor, withShapesOnly, zeros } from '@fovea/tensor';

export type GraphNode = Node<Tensor>;

/** Layers exported as a whole: their forward composes several ops, or reads buffers. */
export type ExportedWhole = Linear | BatchNorm2d | Softmax | LogSoftmax;

function exportedWhole(module: Module): module is ExportedWhole {
  return (
    module instanceof Linear ||
    module instanceof BatchNorm2d ||
    module instanceof Softmax ||
    module instanceof LogSoftmax
  );
}

/** A call of a layer exported as a whole. */
export interface LayerCall {
  path: string;
  module: ExportedWhole;
  input: Tensor;
  output: Tensor;
}

export interface Trace {
  /** The accumulator of the traced input. */
  input: GraphNode;
  output: Tensor;
  /** Layers exported as a whole, by the graph node of their output. */
  layers: Map<GraphNode, LayerCall>;
  /** Leaves other than the input that the graph reads: the model's parameters, named. */
  leafNames: Map<Tensor, string>;
}

/**
 * Runs `model` once on a shapes-only input of `shape`, in evaluation mode with grad enabled, so
 * the autograd graph records every op with its geometry (`attributes`) and allocates no values.
 * Linear, BatchNorm2d, Softmax and LogSoftmax are recorded as calls (their forward is several
 * ops, and batch norm's running statistics never enter the graph). Every parameter requires grad during the trace so
 * it appears in the graph; modes, flags and forwards are restored afterwards, also on error.
 */
export function traceModel(model: Module, shape: readonly number[]): Trace {
  const named = model.namedModules();
  const training = named.map(([, m]) => m.training);
  const parameters = model.namedParameters();
  const frozen = parameters.filter(([, p]) => !p.requiresGrad);
  const layers = new Map<GraphNode, LayerCall>();
  const wrapped: [Module, PropertyDescriptor | undefined][] = [];
  try {
    for (const [path, module] of named) {
      if (!exportedWhole(module)) continue;
      const forward = module.forward;
      const record = (input: Tensor): Tensor => {
        const output = forward.call(module, input) as Tensor;
        const node = gradientEdge(output);
        if (node !== null) layers.set(node, { path, module, input, output });
        return output;
      };
      // Not enumerable, so it is never taken for a parameter, buffer or child.
      const own = Object.getOwnPropertyDescriptor(module, 'forward');
      Object.defineProperty(module, 'forward', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: record,
      });
      wrapped.push([module, own]);
    }
    for (const [, p] of frozen) p.requiresGrad_(true);
    model.eval();
    const x = withShapesOnly(() => zeros([...shape]).requiresGrad_(true));
    const output = enableGrad(() => withShapesOnly(() => model.forward(x)));
    if (!isTensor(output)) {
      throw new Error(
        `exportOnnx: the model's forward returned ${describe(output)}; one tensor is supported`,
      );
    }
    const leafNames = new Map<Tensor, string>(parameters.map(([name, p]) => [p as Tensor, name]));
    return { input: gradientEdge(x)!, output, layers, leafNames };
  } finally {
    for (const [module, own] of wrapped) {
      if (own === undefined) Reflect.deleteProperty(module, 'forward');
      else Object.defineProperty(module, 'forward', own);
    }
    for (const [, p] of frozen) p.requiresGrad_(false);
    named.forEach(([, module], i) => module.train(training[i]));
  }
}

/** The tensor an accumulator node belongs to, or null for an op's node. */
export function leafOf(node: GraphNode): Tensor | null {
  return node instanceof AccumulateGrad ? (node.variable as Tensor) : null;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'gradFn' in value;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? 'null' : typeof value;
}
