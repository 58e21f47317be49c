export type { AdagradOptions, AdagradState } from './adagrad.js';
export { Adagrad } from './adagrad.js';
export type { AdamOptions, AdamState } from './adam.js';
export { Adam } from './adam.js';
export type { AdamWOptions } from './adamw.js';
export { AdamW } from './adamw.js';
export * from './lr-scheduler/index.js';
export type {
  OptimizerOptions,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  Params,
} from './optimizer.js';
export { Optimizer } from './optimizer.js';
export type { RMSpropOptions, RMSpropState } from './rmsprop.js';
export { RMSprop } from './rmsprop.js';
export type { SGDOptions, SGDState } from './sgd.js';
export { SGD } from './sgd.js';
