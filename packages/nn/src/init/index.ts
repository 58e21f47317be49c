export type { FanMode } from './fan.js';
export { calculateFanInAndFanOut } from './fan.js';
export type { Nonlinearity } from './gain.js';
export { calculateGain } from './gain.js';
export type { GeneratorOption, KaimingOptions, XavierOptions } from './initializers.js';
export {
  constant_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} from './initializers.js';
