import { loadGolden } from '@fovea/golden';
import type { Tensor } from '@fovea/tensor';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from '../../src/index.js';

export { loadGolden };

export type OptimizerName = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';

/** One `torch.optim` run in float64: options as PyTorch spells them (snake_case). */
export interface OptimTrace {
  optimizer: OptimizerName;
  options: Record<string, number | boolean | number[]>;
  p0: number[];
  grads: number[][];
  params_after_each_step: number[][];
}

export function loadOptimTraces(): OptimTrace[] {
  return loadGolden<{ about: string; traces: OptimTrace[] }>('optim.json').traces;
}

/** `weight_decay` -> `weightDecay`. */
export function camelOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: each optimizer has its own options type; the traces pick them by name.
const constructors: Record<OptimizerName, new (params: Tensor[], options: any) => Optimizer<any, any>> = {
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
};

export function makeOptimizer(name: OptimizerName, params: Tensor[], options: Record<string, unknown>) {
  return new constructors[name](params, camelOptions(options));
}

export function describeTrace(trace: Pick<OptimTrace, 'optimizer'> & { options: object }): string {
  return `${trace.optimizer}(${JSON.stringify(trace.options)})`;
}
