/** A per-axis pair, always `[rows, cols]` (height first, as in NCHW). */
export type Pair = [number, number];

/** A size given as one number for both axes, or `[h, w]`. */
export type Size2 = number | readonly [number, number];

/** Padding on each side, for asymmetric pads (`F.pad`, TensorFlow-style 'SAME'). */
export interface Sides {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** One layer of a plain stack, as in `analyzeLayers([{ type: 'conv', kernel: 3, padding: 1 }], 32)`. */
export interface LayerSpec {
  type: 'conv' | 'pool';
  kernel: Size2;
  /** Defaults to 1 for a convolution and to the kernel for pooling, as in PyTorch. */
  stride?: Size2;
  padding?: Size2 | Sides;
  dilation?: Size2;
  /** Pooling only: PyTorch's `ceil_mode`. */
  ceilMode?: boolean;
  name?: string;
}

/** What a layer (or graph node) does to the receptive field, per axis `[h, w]`. */
export interface LayerInfo {
  name: string;
  type: string;
  kernel: Pair;
  stride: Pair;
  /** Padding before the map (top, left); the size also depends on the padding after it. */
  padding: Pair;
  dilation: Pair;
  /** Size of this layer's feature map. */
  outputSize: Pair;
  /** Receptive field size r of one unit, in input pixels. */
  size: Pair;
  /** Effective stride S: input pixels between neighbouring units. */
  jump: Pair;
  /** Effective padding P: unit 0 sees input pixels from -P on. */
  effectivePadding: Pair;
  /** Centre of unit 0's field in input pixel coordinates (pixel i has centre i): (r - 1)/2 - P. */
  start: Pair;
}

/** An inclusive box of input pixels: rows `[lo, hi]` and cols `[lo, hi]`. */
export interface Region {
  rows: Pair;
  cols: Pair;
}

/** The analytic receptive field of a network's output, and of each layer on the way. */
export interface ReceptiveField {
  layers: LayerInfo[];
  inputSize: Pair;
  outputSize: Pair;
  /** Receptive field size r of an output unit. */
  size: Pair;
  /** Effective stride S of the output. */
  stride: Pair;
  /** Effective padding P of the output. */
  padding: Pair;
  /**
   * Input box of output unit [i, j]: from i*S - P to i*S - P + r - 1, inclusive, unclipped.
   *
   * @param unit - `[i, j]` of an output unit.
   */
  region(unit: readonly [number, number]): Region;
  /**
   * `region(unit)` clipped to an image of `inputSize` (the analysed size by default).
   *
   * @param unit - `[i, j]` of an output unit.
   * @param inputSize - The image to clip to.
   */
  regionClipped(unit: readonly [number, number], inputSize?: Size2): Region;
}

/** The result of `analyzeLayers`: a plain stack, where the exact influence set is separable. */
export interface StackReceptiveField extends ReceptiveField {
  /**
   * Bounding box of the input pixels that actually influence output unit [i, j] (a non-zero
   * gradient through all-positive weights), or null if it only sees padding. Inside
   * `regionClipped(unit)`, and strictly smaller where the clipped edge is a pixel no valid path
   * reaches: a gap of a dilated or strided kernel, a path through an intermediate map's padding,
   * or trailing pixels a strided layer never covers.
   *
   * @param unit - `[i, j]` of an output unit.
   */
  exactRegion(unit: readonly [number, number]): Region | null;
}

/** Operations a receptive-field graph is made of; anything elementwise is `identity`. */
export type OpKind = 'input' | 'conv' | 'pool' | 'pad' | 'identity' | 'add' | 'concat';

/** What a graph node does, as far as receptive fields care: its kind and window. */
export interface RFOp {
  kind: OpKind;
  kernel?: Size2;
  /** Defaults to 1 for a convolution and to the kernel for pooling. */
  stride?: Size2;
  /** Symmetric per axis, or per side; a `pad` node's pads (negative crops, as in `F.pad`). */
  padding?: Size2 | Sides;
  dilation?: Size2;
  ceilMode?: boolean;
}

/** One node of a network's graph, as a tracer produces it. */
export interface RFNode {
  id: string;
  /** Module path, for example `layer1.0.conv1`. */
  name: string;
  /** Module or op type, for example `Conv2d`, `BatchNorm2d`, `add`. */
  type: string;
  /** Ids of the nodes this one reads; none for the `input` node, two or more for `add`/`concat`. */
  inputs: string[];
  op: RFOp;
}

/** A network as a graph of nodes, for `graphReceptiveField` (branches, skip connections, concatenation). */
export interface RFGraph {
  /** In any order; exactly one has `op.kind === 'input'` (the image). */
  nodes: RFNode[];
  /** Id of the node whose receptive field is wanted; by default the one node nothing reads. */
  output?: string;
}

/** A graph node's receptive field; `size`, `start` and `effectivePadding` describe unit 0's box. */
export interface GraphLayerInfo extends LayerInfo {
  id: string;
  inputs: string[];
  kind: OpKind;
  /** False when paths into this node have different jumps or misaligned centres. */
  aligned: boolean;
}

/**
 * A merge whose paths do not line up (Araujo et al., 2019, multi-path networks: a network is
 * aligned when every path has the same effective stride and the same field centre):
 * - `jump`: effective strides differ, so the merged field depends on the unit's position;
 * - `centre`: equal strides, but centres differ by a non-multiple of the jump (the grids interleave);
 * - `shift`: centres differ by a whole number of jumps (same grid, unit x of one path sits on
 *   unit x + m of another).
 */
export interface AlignmentWarning {
  node: string;
  name: string;
  axis: 'rows' | 'cols';
  kind: 'jump' | 'centre' | 'shift';
  /** Per incoming path: the node it comes from, its jump S and the centre of unit 0's field. */
  paths: { from: string; jump: number; start: number }[];
  message: string;
}

/**
 * For an unaligned output (paths with different jumps), `size` and `padding` describe unit 0's
 * box, `stride` is the largest jump, and `region` stays exact: the union of every path's box.
 */
export interface GraphReceptiveField extends ReceptiveField {
  layers: GraphLayerInfo[];
  /** Id of the analysed output node. */
  output: string;
  aligned: boolean;
  warnings: AlignmentWarning[];
  /**
   * The receptive field of the node `id`.
   *
   * @param id - A node's id in the graph.
   */
  node(id: string): GraphLayerInfo;
  /**
   * Unclipped input box of unit [i, j] of any node (the union over paths into it).
   *
   * @param id - A node's id in the graph.
   * @param unit - `[i, j]` of a unit of that node.
   */
  nodeRegion(id: string, unit: readonly [number, number]): Region;
}

/** Something `receptiveField` noticed while turning a traced graph into a receptive-field graph. */
export interface TraceNote {
  /**
   * - `truncated`: the model's output has no spatial axes (flatten, pooling to 1 x 1, a mean over
   *   the map); the analysis stops at the last map before that, each later value sees it all;
   * - `global-context`: a map is combined with values computed from the whole input and
   *   broadcast over positions (squeeze-and-excitation); the analytic field leaves that path out;
   * - `assumed-pointwise`: an op receptiveField does not know kept the map's size and was taken
   *   as kernel 1.
   */
  kind: 'truncated' | 'global-context' | 'assumed-pointwise';
  /** The autograd node, named as in PyTorch (`AdaptiveAvgPool2DBackward0`). */
  op: string;
  /** Path of the module it ran in (`''` for the model itself), null when not known. */
  module: string | null;
  message: string;
}

/** The optional arguments of `receptiveField` and the tracing analyses. */
export interface ReceptiveFieldOptions {
  /**
   * Analyse the output of this module (`'layer3'`) or graph node (`'layer1.0.relu_1'`) instead of
   * the model's output.
   */
  layer?: string;
}

/** `receptiveField`'s result: `analyzeGraph`'s on the traced graph, with what the trace found. */
export interface TracedReceptiveField extends GraphReceptiveField {
  /** The input shape traced, `[N, C, H, W]` (or `[C, H, W]`, `[H, W]`). */
  inputShape: number[];
  /** The model's output shape (its last two axes are `outputSize` unless the trace was truncated). */
  modelOutputShape: number[];
  /** The graph analysed: one node per layer, named after its module (`layer1.0.conv1`). */
  graph: RFGraph;
  notes: TraceNote[];
}
