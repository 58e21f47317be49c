// What Fovea's tests read from outside their own package: PyTorch's reference outputs (the
// JSON files in ../data, described in ../README.md) and seeded inputs that replay the same way in
// every test and benchmark.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of reference files, inside the repository. */
export const GOLDEN_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** The path of one reference file, such as `conv2d_visible.json`. */
export function goldenPath(file: string): string {
  return GOLDEN_DIR + file;
}

/** One reference file, parsed. */
export function loadGolden<T>(file: string): T {
  return JSON.parse(readFileSync(goldenPath(file), 'utf8')) as T;
}

/** A tensor in the reference files: its shape and its data flat, row-major. */
export interface GoldenTensor {
  shape: number[];
  data: number[];
}

/**
 * Deterministic uniform numbers in [-1, 1) from mulberry32, so a failing case replays from its
 * seed. Into a new Float32Array by default (values rounded to float32), or into the array given
 * (a Float64Array keeps each value exactly).
 */
export function seededUniform<T extends Float32Array | Float64Array = Float32Array>(
  seed: number,
  size: number,
  out: T = new Float32Array(size) as T,
): T {
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

type Pair = number | [number, number];

/** One case of `conv2d_visible.json`: `torch.nn.Conv2d` forward and backward. */
export interface Conv2dCase {
  config: {
    in_channels: number;
    out_channels: number;
    kernel_size: [number, number];
    stride: [number, number];
    padding: number | [number, number] | 'same' | 'valid';
    dilation: [number, number];
    groups: number;
    bias: boolean;
    padding_mode: 'zeros' | 'reflect' | 'replicate' | 'circular';
  };
  x: GoldenTensor;
  weight: GoldenTensor;
  bias: GoldenTensor | null;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
  gweight: GoldenTensor;
  gbias: GoldenTensor | null;
}

/** One case of `pool2d_visible.json`: `max_pool2d` or `avg_pool2d` forward and backward. */
export interface Pool2dCase {
  config: {
    kind: 'max' | 'avg';
    kernel_size: [number, number];
    stride: [number, number];
    padding: [number, number];
    ceil_mode: boolean;
    dilation?: [number, number];
    count_include_pad?: boolean;
  };
  x: GoldenTensor;
  y: GoldenTensor;
  gy: GoldenTensor;
  gx: GoldenTensor;
}

/** One case of `max_unpool.json` (made by make/max_unpool.py), read by the tensor and nn tests. */
export interface MaxUnpoolCase {
  kernelSize: Pair;
  options: { stride: Pair | null; padding: Pair; dilation: Pair; ceilMode: boolean };
  /** The unpooled size given to max_unpool2d, or null for its default. */
  outputSize: [number, number] | null;
  x: GoldenTensor;
  values: GoldenTensor;
  indices: GoldenTensor;
  unpooled: GoldenTensor;
  gu: GoldenTensor;
  gvalues: GoldenTensor;
  gx: GoldenTensor;
}
