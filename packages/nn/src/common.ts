// Everything in @fovea/nn that is the same in Node and in browsers: all but the file functions
// `save` and `load`, which index.ts (Node) and browser.ts add.
export * from './activation/index.js';
export type { SerializeOptions } from './checkpoint/index.js';
export { deserialize, serialize } from './checkpoint/index.js';
export * from './containers/index.js';
export * from './conv/index.js';
export * from './dropout/index.js';
export * from './flatten/index.js';
export type { CrossEntropyOptions, DropoutOptions, Reduction, ReductionOptions } from './functional/index.js';
export * as functional from './functional/index.js';
export * as init from './init/index.js';
export * from './linear/index.js';
export * from './loss/index.js';
export type {
  BufferOptions,
  ForwardHook,
  ForwardHookOptions,
  ForwardPreHook,
  FullBackwardHook,
  Gradients,
  HookOptions,
  IncompatibleKeys,
  LoadReport,
  LoadStateDictOptions,
  NamedOptions,
  RemovableHandle,
  StateDict,
  StateDictLike,
  StateDictOptions,
} from './module/index.js';
export { isParameter, Module, Parameter } from './module/index.js';
export * from './normalization/index.js';
export * from './pooling/index.js';
export { SafetensorsError } from './serialization/index.js';
