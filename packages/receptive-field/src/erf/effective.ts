import { enableGrad, grad, gradientEdge, noGrad, type Variable } from '@fovea/autograd';
import { Conv2D, Conv2d, init, type Module } from '@fovea/nn';
import { type DType, Generator, randn, Tensor, tensor } from '@fovea/tensor';
import { type ModuleCall, modelDtype, withModuleCalls } from '../trace/module-calls.js';
import { type AnalysedMap, traceReceptiveField, verticesOfRun } from '../trace/receptive-field.js';
import type { GraphNode } from '../trace/walk.js';
import type { Pair, ReceptiveFieldOptions, Region, TracedReceptiveField } from '../types.js';
import { checkUnit, formatPair } from '../validate.js';
import { type HeatmapStats, heatmapStats } from './stats.js';

const WHERE = 'effectiveReceptiveField';

/** The optional arguments of `effectiveReceptiveField`: those of {@link ReceptiveFieldOptions}, and the measurement's. */
export interface EffectiveReceptiveFieldOptions extends ReceptiveFieldOptions {
  /** The output unit `[i, j]` whose field is measured; the centre of the map by default. */
  output?: readonly [number, number];
  /** Forward and backward passes to average over, each on a fresh random input (default 1). */
  samples?: number;
  /** Re-initialise the weights before each sample (restored afterwards). Default false. */
  reinitialize?: boolean;
  /** Source of the random inputs and weights; `new Generator(0)` by default, so runs repeat. */
  generator?: Generator;
}

/** What `effectiveReceptiveField` measures (Luo et al., 2016): the gradient heat map of one output unit. */
export interface EffectiveReceptiveField {
  /** Mean |d unit / d input| summed over input channels, `[H, W]` float64, normalised to sum 1. */
  heatmap: Tensor;
  /** The theoretical field of the unit, clipped to the image (where the heat map can be non-zero). */
  theoretical: Region;
  /** The unit measured. */
  output: Pair;
  /** The analytic receptive field of the traced model. */
  field: TracedReceptiveField;
  stats: HeatmapStats;
}

/**
 * PyTorch's default initialisation, drawn from `generator`, of the layers the analysed map depends
 * on (`modules`, the paths of the modules that returned its rows): kaiming-uniform with a = sqrt(5) for the weights of
 * convolutions, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for their biases; the chapter's `Conv2D` draws
 * its kernel from U(0, 1). Other modules (batch norm's affine parameters) keep their values.
 */
function reinitialize(model: Module, modules: ReadonlySet<string>, generator: Generator): void {
  for (const [path, m] of model.namedModules()) {
    if (!modules.has(path)) continue;
    if (m instanceof Conv2d) {
      init.kaimingUniform_(m.weight, { a: Math.sqrt(5), generator });
      if (m.bias !== null) {
        const { fanIn } = init.calculateFanInAndFanOut(m.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        init.uniform_(m.bias, -bound, bound, { generator });
      }
    } else if (m instanceof Conv2D) {
      init.uniform_(m.weight, 0, 1, { generator });
    }
  }
}

/** Copies of the parameters' values, and a function that writes them back. */
function snapshot(model: Module): () => void {
  const parameters = model.parameters();
  const saved = parameters.map((p) => p.detach().clone());
  return () => noGrad(() => parameters.forEach((p, i) => p.copy_(saved[i])));
}

/**
 * The graph node of the analysed map in a real forward, and its shape: the model's output, the
 * output of a module call (as it was when the call returned), or the node of a layer found by
 * converting the forward's graph as the trace did.
 */
function mapOf(
  analysed: AnalysedMap,
  x: Tensor,
  y: unknown,
  calls: readonly ModuleCall[],
  inputSize: Pair,
): { node: GraphNode; shape: readonly number[] } {
  const output = y instanceof Tensor ? gradientEdge(y) : null;
  if (analysed.kind === 'output' && output !== null) return { node: output, shape: (y as Tensor).shape };
  if (analysed.kind === 'call') {
    const call = calls.find((c) => c.path === analysed.path && c.index === analysed.index);
    const node = call?.outputNodes[0];
    if (call !== undefined && node !== undefined) return { node, shape: call.outputs[0].shape };
  }
  const id = analysed.kind === 'layer' ? analysed.id : null;
  const vertex = verticesOfRun(x, y, calls, inputSize, WHERE).vertices.find((v) => v.id === id);
  const shape = vertex?.traced?.attributes.outputShape as number[] | undefined;
  if (vertex?.traced == null || shape === undefined) {
    throw new Error(
      `${WHERE}: the measured forward has no map ${JSON.stringify(analysed)} as the traced one had`,
    );
  }
  return { node: vertex.traced, shape };
}

/** Ones at position [..., i, j] of a tensor of `shape`: d(sum over channels of the unit)/d map. */
function unitSeed(shape: readonly number[], [i, j]: Pair, dtype: DType): Tensor {
  const [h, w] = shape.slice(-2);
  const values = dtype === 'float64' ? new Float64Array(h * w) : new Float32Array(h * w);
  const count = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const all = dtype === 'float64' ? new Float64Array(count * h * w) : new Float32Array(count * h * w);
  values[i * w + j] = 1;
  for (let k = 0; k < count; k++) all.set(values, k * h * w);
  return tensor(all, { dtype }).reshape([...shape]);
}

/**
 * The effective receptive field of one output unit, after Luo, Li, Urtasun and Zemel,
 * "Understanding the Effective Receptive Field in Deep Convolutional Neural Networks" (NeurIPS
 * 2016): a real forward on a random input (standard normal), then the gradient of the unit
 * (summed over the channels at that position, and over the batch) with respect to the input;
 * |gradient| summed over input channels is one sample of the heat map. Samples are averaged,
 * over fresh inputs and, with `reinitialize`, fresh weights (PyTorch's default initialisation of
 * each convolution on the way, drawn from `generator`; the model's own weights are restored after).
 * The model runs in evaluation mode and no parameter's `grad` is touched.
 *
 * @param model - Any module whose forward takes one `[N, C, H, W]` tensor.
 * @param inputShape - The input's shape.
 * @param options - `unit` (the centre by default), `samples`, `reinitialize`, `generator`, and
 * `layer` as for `receptiveField`.
 * @returns The heat map `[H, W]` over the input, with the theoretical field for comparison.
 */
export function effectiveReceptiveField(
  model: Module,
  inputShape: readonly number[],
  options: EffectiveReceptiveFieldOptions = {},
): EffectiveReceptiveField {
  const { field, analysed, modules } = traceReceptiveField(
    model,
    inputShape,
    { layer: options.layer },
    WHERE,
  );
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(`${WHERE}: expected samples as an integer >= 1, got ${samples}`);
  }
  const [oh, ow] = field.outputSize;
  const unit: Pair =
    options.output === undefined ? [Math.floor(oh / 2), Math.floor(ow / 2)] : [...options.output];
  checkUnit(unit, field.outputSize, WHERE);
  const generator = options.generator ?? new Generator(0);
  const [h, w] = field.inputSize;
  const dtype = modelDtype(model);
  const heat = new Float64Array(h * w);
  const restore = options.reinitialize ? snapshot(model) : null;
  try {
    for (let s = 0; s < samples; s++) {
      if (restore !== null) reinitialize(model, modules, generator);
      const x = randn(field.inputShape, { generator, dtype }).requiresGrad_();
      enableGrad(() => {
        const { value, calls } = withModuleCalls(model, WHERE, () => model.forward(x));
        const map = mapOf(analysed, x, value, calls, field.inputSize);
        const size = map.shape.slice(-2);
        if (size.length !== 2 || size[0] !== oh || size[1] !== ow) {
          throw new Error(
            `${WHERE}: the measured map has shape ${formatPair(map.shape)}, the traced one ${formatPair(field.outputSize)}`,
          );
        }
        // The map's node as the engine's root (a Variable is all grad needs), seeded with the
        // gradient of the unit summed over channels.
        const root: Variable<Tensor> = {
          gradFn: map.node,
          requiresGrad: true,
          grad: null,
          setGradFn: () => {},
          defaultGradient: () => unitSeed(map.shape, unit, dtype),
        };
        const [g] = grad(root, x, { gradOutputs: [unitSeed(map.shape, unit, dtype)], allowUnused: true });
        if (g === null) return;
        const values = g.dataSync();
        for (let offset = 0; offset < values.length; offset += h * w) {
          for (let p = 0; p < h * w; p++) heat[p] += Math.abs(values[offset + p]);
        }
      });
    }
  } finally {
    restore?.();
  }
  let total = 0;
  for (const v of heat) total += v;
  if (!(total > 0)) {
    throw new Error(
      `${WHERE}: unit ${formatPair(unit)} has a zero gradient with respect to every input pixel in ` +
        `${samples} sample(s) (all its ReLUs inactive?)`,
    );
  }
  for (let p = 0; p < heat.length; p++) heat[p] /= total;
  const theoretical = field.regionClipped(unit);
  return {
    heatmap: tensor(heat).reshape([h, w]),
    theoretical,
    output: unit,
    field,
    stats: heatmapStats(heat, [h, w], theoretical),
  };
}
