import {
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Identity,
  MaxPool2d,
  type Module,
  ReLU,
  Sigmoid,
  Tanh,
} from '@fovea/nn';
import * as receptiveFieldApi from '@fovea/receptive-field';
import { analyzeLayers, type LayerSpec, type Sides, type TableSource } from '@fovea/receptive-field';
import { CliError } from './cli.js';

type Tracer = (model: Module, inputShape: readonly number[]) => TableSource;

/** Kernel-1 layers: they leave the receptive field as it is. */
const ELEMENTWISE = [ReLU, Sigmoid, Tanh, BatchNorm2d, Dropout, Identity];

/** PyTorch's padding='same' for a stride-1 convolution: d (k - 1) split, the extra pixel after. */
function samePadding(kernel: readonly [number, number], dilation: readonly [number, number]): Sides {
  const [th, tw] = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
  return {
    top: Math.floor(th / 2),
    bottom: th - Math.floor(th / 2),
    left: Math.floor(tw / 2),
    right: tw - Math.floor(tw / 2),
  };
}

/** The conv and pooling layers of a plain stack, in order, as `analyzeLayers` takes them. */
export function layerSpecs(model: Module): LayerSpec[] {
  const specs: LayerSpec[] = [];
  for (const [name, m] of model.namedModules()) {
    if (m instanceof Conv2d) {
      const padding =
        m.padding === 'same' ? samePadding(m.kernelSize, m.dilation) : m.padding === 'valid' ? 0 : m.padding;
      specs.push({
        type: 'conv',
        name,
        kernel: m.kernelSize,
        stride: m.stride,
        padding,
        dilation: m.dilation,
      });
    } else if (m instanceof MaxPool2d) {
      specs.push({
        type: 'pool',
        name,
        kernel: m.kernelSize,
        stride: m.stride,
        padding: m.padding,
        dilation: m.dilation,
        ceilMode: m.ceilMode,
      });
    } else if (m instanceof AvgPool2d) {
      specs.push({
        type: 'pool',
        name,
        kernel: m.kernelSize,
        stride: m.stride,
        padding: m.padding,
        ceilMode: m.ceilMode,
      });
    } else if (m.children().length === 0 && !ELEMENTWISE.some((kind) => m instanceof kind)) {
      throw new CliError(
        `receptive field: cannot analyse layer '${name}' (${m.toString()}) of a plain stack`,
      );
    }
  }
  return specs;
}

/**
 * The receptive field of every layer of `model` for an input of `inputShape` [N, C, H, W]: by
 * tracing the model with @fovea/receptive-field's `receptiveField` when the installed version
 * has it, else from the model's conv and pooling layers with `analyzeLayers`.
 */
export function modelReceptiveField(
  model: Module,
  inputShape: readonly number[],
): { result: TableSource; traced: boolean } {
  const tracer = (receptiveFieldApi as unknown as Record<string, unknown>).receptiveField;
  if (typeof tracer === 'function') return { result: (tracer as Tracer)(model, inputShape), traced: true };
  const [height, width] = inputShape.slice(-2);
  return { result: analyzeLayers(layerSpecs(model), [height, width]), traced: false };
}
