export type { EffectiveReceptiveField, EffectiveReceptiveFieldOptions } from './erf/effective.js';
export { effectiveReceptiveField } from './erf/effective.js';
export { encodePNG } from './erf/png.js';
export type { HeatmapSVGOptions, RGBAImage } from './erf/render.js';
export { heatmapToRGBA, renderHeatmapSVG } from './erf/render.js';
export type { HeatmapStats } from './erf/stats.js';
export { analyzeGraph } from './graph.js';
export { analyzeLayers } from './stack.js';
export type { TableSource } from './table.js';
export { formatTable } from './table.js';
export { ModuleCallError } from './trace/module-calls.js';
export { receptiveField } from './trace/receptive-field.js';
export type {
  AlignmentWarning,
  GraphLayerInfo,
  GraphReceptiveField,
  LayerInfo,
  LayerSpec,
  OpKind,
  Pair,
  ReceptiveField,
  ReceptiveFieldOptions,
  Region,
  RFGraph,
  RFNode,
  RFOp,
  Sides,
  Size2,
  StackReceptiveField,
  TracedReceptiveField,
  TraceNote,
} from './types.js';
