import { gradientEdge, type Node } from '@fovea/autograd';
import type { Module } from '@fovea/nn';
import { type DType, formatShape, Tensor } from '@fovea/tensor';

/** One call of a module's `forward` during a traced run, recorded when it returned. */
export interface ModuleCall {
  /** Dotted path as `namedModules()` gives it (`layer1.0.conv1`); `''` for the model itself. */
  path: string;
  /** The module's class name, as PyTorch prints it (`Conv2d`, `BasicBlock`). */
  type: string;
  /** 0 for the module's first call, 1 for its second (a ReLU shared inside a block), ... */
  index: number;
  inputs: Tensor[];
  outputs: Tensor[];
  /**
   * The graph nodes of the inputs and outputs when the call returned (an in-place op later, as
   * `out += identity`, gives the output tensor another node).
   */
  inputNodes: Node<Tensor>[];
  outputNodes: Node<Tensor>[];
}

/** A module's forward failed during a traced run; says which module and on what input. */
export class ModuleCallError extends Error {
  /** `'ModuleCallError'`. */
  override name = 'ModuleCallError';

  /**
   * The error for a failed module call.
   *
   * @param message - What went wrong, with the module's path.
   * @param module - The module's path in the model (`layer1.0.conv1`).
   * @param moduleType - Its class name.
   * @param inputShapes - The shapes it was called with.
   * @param options - `cause`: the error the module threw.
   */
  constructor(
    message: string,
    readonly module: string,
    readonly moduleType: string,
    readonly inputShapes: number[][],
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** PyTorch's `_get_name()`: a built-in layer's `moduleName`, else the class name. */
export function moduleType(module: Module): string {
  const ctor = module.constructor as { name: string; moduleName?: string };
  return Object.hasOwn(ctor, 'moduleName') && ctor.moduleName ? ctor.moduleName : ctor.name;
}

export function describeModule(path: string, type: string): string {
  return path === '' ? `the model (${type})` : `'${path}' (${type})`;
}

/** The tensors among a forward's arguments or results, looking into arrays. */
function tensorsIn(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out);
  return out;
}

function nodesOf(tensors: readonly Tensor[]): Node<Tensor>[] {
  return tensors.map((t) => gradientEdge(t)).filter((n): n is Node<Tensor> => n !== null);
}

/** The dtype the model computes in: that of its first floating parameter (float32 if none). */
export function modelDtype(model: Module): DType {
  const p = model.parameters().find((t) => t.dtype === 'float32' || t.dtype === 'float64');
  return p?.dtype ?? 'float32';
}

/**
 * Runs `run` with every module of `model` in evaluation mode (batch norm on its running
 * statistics, no dropout: a traced or measured forward then changes no state) and with each
 * module's `forward` wrapped to record its inputs and outputs, innermost calls first. An error
 * inside a module is re-thrown once, by the innermost module, naming it and its input. The
 * forwards and every module's training flag are restored afterwards, also on error.
 */
export function withModuleCalls<T>(
  model: Module,
  where: string,
  run: () => T,
): { value: T; calls: ModuleCall[] } {
  const named = model.namedModules();
  const training = named.map(([, m]) => m.training);
  const own = named.map(([, m]) => Object.getOwnPropertyDescriptor(m, 'forward'));
  const calls: ModuleCall[] = [];
  const counts = new Map<string, number>();
  try {
    for (const [path, module] of named) {
      const forward = module.forward;
      const type = moduleType(module);
      const wrapped = (...args: unknown[]): unknown => {
        const inputs = tensorsIn(args);
        const inputNodes = nodesOf(inputs);
        let result: unknown;
        try {
          result = forward.apply(module, args);
        } catch (error) {
          if (error instanceof ModuleCallError) throw error;
          const shapes = inputs.map((t) => [...t.shape]);
          const message = error instanceof Error ? error.message : String(error);
          throw new ModuleCallError(
            `${where}: ${describeModule(path, type)} failed on input ${shapes.map(formatShape).join(', ')}: ${message}`,
            path,
            type,
            shapes,
            { cause: error },
          );
        }
        const index = counts.get(path) ?? 0;
        counts.set(path, index + 1);
        const outputs = tensorsIn(result);
        calls.push({ path, type, index, inputs, outputs, inputNodes, outputNodes: nodesOf(outputs) });
        return result;
      };
      // Not enumerable, so it is never taken for a parameter, buffer or child.
      Object.defineProperty(module, 'forward', {
        configurable: true,
        enumerable: false,
        writable: true,
        value: wrapped,
      });
    }
    model.eval();
    return { value: run(), calls };
  } finally {
    named.forEach(([, module], i) => {
      const descriptor = own[i];
      if (descriptor === undefined) Reflect.deleteProperty(module, 'forward');
      else Object.defineProperty(module, 'forward', descriptor);
    });
    // Parents before children (namedModules is depth first), so each module ends with its own flag.
    named.forEach(([, module], i) => module.train(training[i]));
  }
}
