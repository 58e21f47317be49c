export { analyzeGraph } from './graph.js';
export { analyzeLayers } from './stack.js';
export type { TableSource } from './table.js';
export { formatTable } from './table.js';
export type {
  AlignmentWarning,
  GraphLayerInfo,
  GraphReceptiveField,
  LayerInfo,
  LayerSpec,
  OpKind,
  Pair,
  ReceptiveField,
  Region,
  RFGraph,
  RFNode,
  RFOp,
  Sides,
  Size2,
  StackReceptiveField,
} from './types.js';
