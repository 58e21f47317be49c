import * as nn from '@fovea/nn';
import * as receptiveField from '@fovea/receptive-field';
import { Tensor } from '@fovea/tensor';
import type { LayerRow } from './layers';

type Layer = { weight?: Tensor };
type LayerClass = new (...args: unknown[]) => Layer;
type EffectiveField = (model: unknown, inputShape: number[], options: object) => unknown;

/**
 * The heat map from `@fovea/receptive-field`'s `effectiveReceptiveField` (issue 6), on the stack
 * built with `@fovea/nn` and all-ones weights; null while the package does not have it. It may
 * return the map itself or an object holding it: the tensor with `size * size` elements is taken.
 */
export function packagedEffectiveField(
  layers: readonly LayerRow[],
  size: number,
  unit: readonly [number, number],
): Float32Array | null {
  const modules = nn as unknown as Record<string, LayerClass | undefined>;
  const { Sequential, Conv2d, MaxPool2d, AvgPool2d } = modules;
  // Looked up by name: a static `receptiveField.effectiveReceptiveField` warns while it is missing.
  const effective = Reflect.get(receptiveField, 'effectiveReceptiveField') as EffectiveField | undefined;
  if (!effective || !Sequential || !Conv2d || !MaxPool2d || !AvgPool2d) return null;
  const model = new Sequential(
    ...layers.map(({ type, kernel, stride, padding, dilation }) => {
      if (type === 'maxpool') return new MaxPool2d(kernel, { stride, padding, dilation });
      if (type === 'avgpool') return new AvgPool2d(kernel, { stride, padding });
      const conv = new Conv2d(1, 1, kernel, { stride, padding, dilation, bias: false });
      conv.weight!.data.fill_(1);
      return conv;
    }),
  );
  const result = effective(model, [1, 1, size, size], { output: [...unit], samples: 8 });
  const candidates = result instanceof Tensor ? [result] : Object.values(result as object);
  const map = candidates.find((value) => value instanceof Tensor && value.numel === size * size);
  return map ? Float32Array.from((map as Tensor).dataSync()) : null;
}
