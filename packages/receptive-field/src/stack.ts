import { argumentError, checkArray } from '@fovea/tensor';
import { exactAxisRange } from './exact.js';
import {
  type AxisField,
  type AxisOp,
  describe,
  outputLength,
  PIXEL,
  resolveOp,
  throughOp,
} from './geometry.js';
import { clipRegion, unclippedRegion } from './region.js';
import type { LayerInfo, LayerSpec, Pair, Size2, StackReceptiveField } from './types.js';
import { checkUnit, formatPair, toPair } from './validate.js';

const WHERE = 'analyzeLayers';

function layerLabel(spec: LayerSpec, index: number): string {
  return spec.name === undefined ? `layer ${index}` : `layer ${index} '${spec.name}'`;
}

/**
 * Receptive fields of a plain stack of convolutions and poolings on an input of `inputSize`, per
 * axis, by the recurrences of Araujo, Norris and Sim, "Computing Receptive Fields of Convolutional
 * Neural Networks" (Distill, 2019), with output sizes by PyTorch's rules.
 *
 * @param layers - The stack, input first: `{ type: 'conv' | 'pool', kernel, stride?, padding?,
 * dilation?, name? }`.
 * @param inputSize - The input's `[H, W]`, or one number for both.
 * @returns Size `r`, jump `S` and padding `P` of the output, the output size, a row per layer, and
 * `region(unit)` / `exactRegion(unit)` for any output unit.
 * @throws If a layer leaves no output (the kernel does not fit).
 *
 * @example
 * ```ts
 * import { analyzeLayers } from '@fovea/receptive-field';
 *
 * const conv3 = { type: 'conv', kernel: 3 } as const;
 * const pool = { type: 'pool', kernel: 2 } as const;
 * const rf = analyzeLayers([conv3, pool, conv3], [32, 32]);
 * rf.size; // [8, 8]
 * rf.region([0, 0]); // { rows: [0, 7], cols: [0, 7] }
 * ```
 */
export function analyzeLayers(layers: readonly LayerSpec[], inputSize: Size2): StackReceptiveField {
  checkArray(WHERE, 'layers', layers);
  const input = toPair(inputSize, 'input size', 1, WHERE);
  const fields: [AxisField, AxisField] = [PIXEL, PIXEL];
  const ops: AxisOp[][] = [[], []];
  const lengths: number[][] = [[input[0]], [input[1]]];
  const infos: LayerInfo[] = [];
  let size: Pair = input;

  layers.forEach((spec, index) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw argumentError(WHERE, `layers[${index}]`, "a layer {type: 'conv' | 'pool', kernel, ...}", spec);
    }
    const label = layerLabel(spec, index);
    if (spec.type !== 'conv' && spec.type !== 'pool') {
      throw new TypeError(`${WHERE}: ${label}: unknown type '${spec.type}' (expected 'conv' or 'pool')`);
    }
    const op = resolveOp(spec.type, spec, `${WHERE}: ${label} (${spec.type})`);
    const next = op.axes.map((a, axis) => outputLength(size[axis], a)) as Pair;
    if (next[0] < 1 || next[1] < 1) {
      throw new RangeError(
        `${WHERE}: ${label} (${spec.type}, kernel ${formatPair(op.kernel)}) leaves no output: ` +
          `input ${formatPair(size)} -> ${formatPair(next)}`,
      );
    }
    for (const axis of [0, 1]) {
      fields[axis] = throughOp(fields[axis], op.axes[axis]);
      ops[axis].push(op.axes[axis]);
      lengths[axis].push(next[axis]);
    }
    const [dh, dw] = fields.map(describe);
    // Beyond 2**53 the recurrences round silently: a clear error instead.
    const values = [...next, dh.size, dw.size, dh.padding, dw.padding, fields[0].jump, fields[1].jump];
    if (!values.every(Number.isSafeInteger)) {
      throw new RangeError(`${WHERE}: ${label}: sizes exceed 2**53 - 1 and cannot be computed exactly`);
    }
    infos.push({
      name: spec.name ?? String(index),
      type: spec.type,
      kernel: op.kernel,
      stride: op.stride,
      padding: op.padding,
      dilation: op.dilation,
      outputSize: next,
      size: [dh.size, dw.size],
      jump: [fields[0].jump, fields[1].jump],
      effectivePadding: [dh.padding, dw.padding],
      start: [dh.start, dw.start],
    });
    size = next;
  });

  const [dh, dw] = fields.map(describe);
  const outputSize = size;
  const perAxis: [AxisField[], AxisField[]] = [[fields[0]], [fields[1]]];
  return {
    layers: infos,
    inputSize: input,
    outputSize,
    size: [dh.size, dw.size],
    stride: [fields[0].jump, fields[1].jump],
    padding: [dh.padding, dw.padding],
    region(unit) {
      checkUnit(unit, outputSize, `${WHERE}: region`);
      return unclippedRegion(perAxis, unit);
    },
    regionClipped(unit, clipTo = input) {
      checkUnit(unit, outputSize, `${WHERE}: regionClipped`);
      return clipRegion(unclippedRegion(perAxis, unit), clipTo, `${WHERE}: regionClipped`);
    },
    exactRegion(unit) {
      checkUnit(unit, outputSize, `${WHERE}: exactRegion`);
      const rows = exactAxisRange(ops[0], lengths[0], unit[0]);
      const cols = exactAxisRange(ops[1], lengths[1], unit[1]);
      return rows === null || cols === null ? null : { rows, cols };
    },
  };
}
