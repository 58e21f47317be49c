import { readdirSync } from 'node:fs';
import { GOLDEN_DIR, loadGolden } from '@fovea/golden';
import type { LayerSpec } from '../../src/index.js';
import type { Window1d } from './brute-force.js';

export interface GoldenLayer {
  type: 'conv' | 'pool';
  kernel: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  ceil_mode?: boolean;
}

export interface GoldenPixel {
  output: [number, number];
  rows: [number, number] | null;
  cols: [number, number] | null;
  nonzero?: number;
}

export interface GoldenStack {
  file: string;
  index: number;
  layers: GoldenLayer[];
  input_size: number | [number, number];
  output_size: [number, number];
  pixels: GoldenPixel[];
}

/** Every `rf_stacks_*.json` file (the visible set, and a held-out set when one is present). */
export function loadStackCases(): GoldenStack[] {
  const files = readdirSync(GOLDEN_DIR).filter((f) => /^rf_stacks_.*\.json$/.test(f));
  return files.flatMap((file) => {
    const { cases } = loadGolden<{ cases: GoldenStack[] }>(file);
    return cases.map((c, index) => ({ ...c, file, index }));
  });
}

/** One layer of a torchvision network, as listed in rf_networks.json. */
export interface NetworkLayer {
  name: string;
  type: string;
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation?: [number, number];
  ceil_mode?: boolean;
}

export interface GoldenNetwork {
  input_size: number;
  output_size: [number, number];
  pixels: { output: [number, number]; rows: [number, number]; cols: [number, number] }[];
  layers: NetworkLayer[];
}

export function loadNetworks(): Record<string, GoldenNetwork> {
  return loadGolden<{ networks: Record<string, GoldenNetwork> }>('rf_networks.json').networks;
}

export function toLayerSpec(l: GoldenLayer): LayerSpec {
  const spec: LayerSpec = { type: l.type, kernel: l.kernel };
  if (l.stride !== undefined) spec.stride = l.stride;
  if (l.padding !== undefined) spec.padding = l.padding;
  if (l.dilation !== undefined) spec.dilation = l.dilation;
  if (l.ceil_mode !== undefined) spec.ceilMode = l.ceil_mode;
  return spec;
}

const axisOf = (v: number | readonly [number, number] | undefined, axis: number, fallback: number) =>
  v === undefined ? fallback : typeof v === 'number' ? v : v[axis];

/** One axis of a layer, with PyTorch's defaults (pooling stride = kernel). */
export function window1d(l: LayerSpec, axis: 0 | 1): Window1d {
  const kernel = axisOf(l.kernel, axis, 0);
  const padding = axisOf(l.padding as number | [number, number] | undefined, axis, 0);
  return {
    kernel,
    stride: axisOf(l.stride, axis, l.type === 'pool' ? kernel : 1),
    padBefore: padding,
    padAfter: padding,
    dilation: axisOf(l.dilation, axis, 1),
    ceilMode: l.ceilMode ?? false,
  };
}
