export type { FullBackwardHook, Gradients } from './backward-hook.js';
export type {
  ForwardHook,
  ForwardHookOptions,
  ForwardPreHook,
  HookOptions,
  RemovableHandle,
} from './hooks.js';
export { Module } from './module.js';
export type {
  BufferOptions,
  LoadReport,
  LoadStateDictOptions,
  NamedOptions,
  StateDictOptions,
} from './options.js';
export { isParameter, Parameter } from './parameter.js';
export { addIndent, pyFloat, pyValue } from './repr.js';
export type { IncompatibleKeys, StateDict, StateDictLike } from './state-dict.js';
export { emptyStateDict, stateDictEntries } from './state-dict.js';
