export { Identity } from './identity.js';
export { LazyLinear } from './lazy-linear.js';
export type { LinearOptions } from './linear.js';
export { Linear } from './linear.js';
