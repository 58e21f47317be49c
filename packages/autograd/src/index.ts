export type { BackwardOptions, GradOptions } from './engine.js';
export { AccumulateGrad, backward, grad, gradientEdge } from './engine.js';
export { Function, FunctionContext } from './function.js';
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from './grad-mode.js';
export type { GradcheckOptions, Numeric, NumericAccess } from './gradcheck.js';
export { GradcheckError, gradcheck, numericAccess } from './gradcheck.js';
export type { BackwardFn } from './node.js';
export { FREED_GRAPH_MESSAGE, FunctionNode, Node } from './node.js';
export type { Gradient, Variable } from './variable.js';
