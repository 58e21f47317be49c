/**
 * The six workloads of PEERS.md. PEERS.md names them W1-W6 without listing
 * their shapes; these are derived from it (see the README of this package for the derivation):
 * W1 is the chapter's 6 x 8 cross-correlation with the [1, -1] edge kernel; W2 and W3 are
 * LeNet's two convolutions on MNIST-sized inputs; W4 and W5 are ResNet's 3 x 3 convolutions at
 * 56 x 56 (64 channels) and 28 x 28 (128 channels); W6 is a MobileNet-style depthwise 3 x 3
 * convolution (128 channels at 56 x 56). The per-image flops and the batch sizes match the
 * reduced batches PEERS.md reports for its slow peers (for example "n=185" on W2, "n=1" on W4).
 */

export type Pass = 'forward' | 'dX' | 'dW';
export const PASSES: readonly Pass[] = ['forward', 'dX', 'dW'];

export interface Workload {
  readonly name: string;
  readonly what: string;
  /** NCHW input. */
  readonly x: readonly [number, number, number, number];
  /** [O, C / groups, kH, kW]. */
  readonly w: readonly [number, number, number, number];
  readonly padding: number;
  readonly stride: number;
  readonly groups: number;
  /** Reported as calls per second instead of GFLOP/s. */
  readonly callsPerSecond: boolean;
}

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'W1',
    what: "the chapter's corr2d: 6 x 8 image, 1 x 2 kernel",
    x: [1, 1, 6, 8],
    w: [1, 1, 1, 2],
    padding: 0,
    stride: 1,
    groups: 1,
    callsPerSecond: true,
  },
  {
    name: 'W2',
    what: 'LeNet conv1: 1 -> 6 channels, 5 x 5, padding 2, 28 x 28, batch 256',
    x: [256, 1, 28, 28],
    w: [6, 1, 5, 5],
    padding: 2,
    stride: 1,
    groups: 1,
    callsPerSecond: false,
  },
  {
    name: 'W3',
    what: 'LeNet conv2: 6 -> 16 channels, 5 x 5, 14 x 14, batch 256',
    x: [256, 6, 14, 14],
    w: [16, 6, 5, 5],
    padding: 0,
    stride: 1,
    groups: 1,
    callsPerSecond: false,
  },
  {
    name: 'W4',
    what: 'ResNet 3 x 3: 64 -> 64 channels, 56 x 56, batch 8',
    x: [8, 64, 56, 56],
    w: [64, 64, 3, 3],
    padding: 1,
    stride: 1,
    groups: 1,
    callsPerSecond: false,
  },
  {
    name: 'W5',
    what: 'ResNet 3 x 3: 128 -> 128 channels, 28 x 28, batch 8',
    x: [8, 128, 28, 28],
    w: [128, 128, 3, 3],
    padding: 1,
    stride: 1,
    groups: 1,
    callsPerSecond: false,
  },
  {
    name: 'W6',
    what: 'depthwise 3 x 3: 128 channels, 56 x 56, batch 8',
    x: [8, 128, 56, 56],
    w: [128, 1, 3, 3],
    padding: 1,
    stride: 1,
    groups: 128,
    callsPerSecond: false,
  },
];

export interface Geometry {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly wd: number;
  readonly o: number;
  readonly cg: number;
  readonly kh: number;
  readonly kw: number;
  readonly outH: number;
  readonly outW: number;
}

export function geometry(w: Workload, batch = w.x[0]): Geometry {
  const [, c, h, wd] = w.x;
  const [o, cg, kh, kw] = w.w;
  const outH = Math.floor((h + 2 * w.padding - kh) / w.stride) + 1;
  const outW = Math.floor((wd + 2 * w.padding - kw) / w.stride) + 1;
  return { n: batch, c, h, wd, o, cg, kh, kw, outH, outW };
}

/** PEERS.md: FLOPs = 2 N Cout Hout Wout (Cin / groups) Kh Kw; dX and dW each count the same. */
export function flops(w: Workload, batch = w.x[0]): number {
  const g = geometry(w, batch);
  return 2 * batch * g.o * g.outH * g.outW * g.cg * g.kh * g.kw;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
