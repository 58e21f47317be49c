/**
 * What a recorded autograd node (named as in PyTorch) does to the spatial axes, the last two:
 * - `window`: convolution, pooling, padding; the geometry is in the node's attributes;
 * - `pointwise`: each position from the same position of its inputs (kernel 1): activations,
 *   arithmetic (batch norm is sub, div, mul, add with per-channel operands), copies;
 * - `view`: reshapes and moves of axes; fine while the last two axes are kept, else the spatial
 *   structure is lost (flatten);
 * - `crop`: slicing, fine on other axes; along a spatial axis its start is not recorded;
 * - `reduce`: over channels it is kernel 1; over the spatial axes each value sees the whole map;
 * - `mix`: matrix products and patch extraction, which mix positions;
 * - `concat`: joins branches along an axis.
 */
export type OpRole = 'window' | 'pointwise' | 'view' | 'crop' | 'reduce' | 'mix' | 'concat';

const ROLES: Record<string, OpRole> = {};
const assign = (role: OpRole, names: string) => {
  for (const name of names.trim().split(/\s+/)) ROLES[name] = role;
};

assign(
  'window',
  'ConvolutionBackward0 MaxPool2DWithIndicesBackward0 AvgPool2DBackward0 AdaptiveAvgPool2DBackward0 Corr2dBackward0',
);
// Fovea's kernel-1 ops, and PyTorch's names of those it may record later.
assign(
  'pointwise',
  `AddBackward0 AddBackward1 SubBackward0 SubBackward1 RsubBackward0 RsubBackward1 MulBackward0 MulBackward1
   DivBackward0 DivBackward1 PowBackward0 PowBackward1 PowBackward2 MaximumBackward0 MinimumBackward0
   NegBackward0 ExpBackward0 LogBackward0 SqrtBackward0 RsqrtBackward0 ReciprocalBackward0 AbsBackward0
   SignBackward0 ReluBackward0 SigmoidBackward0 TanhBackward0 ClampBackward1 ClampMinBackward0
   ClampMaxBackward0 WhereBackward0 CloneBackward0 ToCopyBackward0 CopyBackwards AliasBackward0
   GeluBackward0 SiluBackward0 EluBackward0 LeakyReluBackward0 HardtanhBackward0 HardswishBackward0
   HardsigmoidBackward0 SoftplusBackward0 MishBackward0 NativeDropoutBackward0 NativeBatchNormBackward0`,
);
assign(
  'view',
  `ViewBackward0 UnsafeViewBackward0 ReshapeAliasBackward0 PermuteBackward0 TransposeBackward0 TBackward0
   SqueezeBackward0 SqueezeBackward1 SqueezeBackward2 UnsqueezeBackward0 ExpandBackward0 AsStridedBackward0`,
);
assign('crop', 'SliceBackward0 SelectBackward0');
assign(
  'reduce',
  `SumBackward0 SumBackward1 MeanBackward0 MeanBackward1 MaxBackward0 MaxBackward1 MinBackward0 MinBackward1
   VarBackward0 StdBackward0 AmaxBackward0 AminBackward0 ProdBackward0 ProdBackward1 LogsumexpBackward0`,
);
assign('mix', 'MmBackward0 BmmBackward0 AddmmBackward0 MvBackward0 DotBackward0 Im2ColBackward0');
assign('concat', 'CatBackward0');

/** Ops with a known effect on the map that the analytic field cannot represent. */
const UNSUPPORTED: Record<string, string> = {
  FlipBackward0: 'may mirror the spatial axes',
  RollBackward0: 'shifts positions cyclically',
  UpsampleNearest2DBackward0: 'upsamples the map (a fractional stride)',
  UpsampleBilinear2DBackward0: 'upsamples the map (a fractional stride)',
  Col2ImBackward0: 'folds patches back into a map',
};

export function roleOf(name: string): OpRole | undefined {
  if (/PadNdBackward\d*$/.test(name)) return 'window';
  return ROLES[name];
}

export function unsupportedReason(name: string): string | undefined {
  return UNSUPPORTED[name];
}

const LABELS: Record<string, string> = {
  ConvolutionBackward0: 'conv2d',
  MaxPool2DWithIndicesBackward0: 'max_pool2d',
  AvgPool2DBackward0: 'avg_pool2d',
  AdaptiveAvgPool2DBackward0: 'adaptive_avg_pool2d',
  Corr2dBackward0: 'corr2d',
  CatBackward0: 'cat',
  CopyBackwards: 'copy',
};

/** The functional name of a node's op, for naming it in a table: `AddBackward0` -> `add`. */
export function opLabel(name: string): string {
  const known = LABELS[name];
  if (known !== undefined) return known;
  if (/PadNdBackward\d*$/.test(name)) return 'pad';
  const base = name.replace(/Backward\d*$/, '') || name;
  return base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
