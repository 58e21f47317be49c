import { type DType, Tensor, tensor } from '@fovea/tensor';
import {
  emptyStateDict,
  type StateDict,
  type StateDictLike,
  stateDictEntries,
} from '../module/state-dict.js';
import { SafetensorsError } from '../serialization/errors.js';
import type { RawTensor, SafetensorsContents } from '../serialization/raw-tensor.js';
import { fromRaw, toRaw } from '../serialization/typed.js';

/** The optional arguments of `save` and `serialize`. */
export interface SerializeOptions {
  /** String metadata stored in the header (`__metadata__`), as `safetensors` `save_file` takes it. */
  metadata?: Record<string, string>;
  /**
   * How int32 tensors are stored. Fovea's int32 plays the part of PyTorch's default int64, so
   * by default they are written as I64, as PyTorch writes them (`num_batches_tracked`).
   */
  integerDtype?: 'I64' | 'I32';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A state dict as the codec's raw tensors: F32, F64, I64 (or I32) and BOOL, little-endian. */
export function toRawTensors(
  where: string,
  stateDict: StateDictLike,
  options: SerializeOptions = {},
): Map<string, RawTensor> {
  const integerDtype = options.integerDtype ?? 'I64';
  if (integerDtype !== 'I64' && integerDtype !== 'I32') {
    throw new SafetensorsError(`${where}: integerDtype must be 'I64' or 'I32', got ${String(integerDtype)}`);
  }
  const raw = new Map<string, RawTensor>();
  for (const [name, value] of stateDictEntries(stateDict, where)) {
    if (!(value instanceof Tensor)) {
      throw new SafetensorsError(
        `${where}: state dict entry "${name}" is not a Tensor (got ${value === null ? 'null' : typeof value})`,
      );
    }
    const shape = [...value.shape];
    const values = value.dataSync();
    switch (value.dtype) {
      case 'float32':
        raw.set(name, toRaw('F32', shape, values));
        break;
      case 'float64':
        raw.set(name, toRaw('F64', shape, values));
        break;
      case 'int32':
        raw.set(
          name,
          integerDtype === 'I32'
            ? toRaw('I32', shape, values)
            : toRaw(
                'I64',
                shape,
                BigInt64Array.from(values as Int32Array, (v) => BigInt(v)),
              ),
        );
        break;
      case 'bool':
        raw.set(name, toRaw('BOOL', shape, values));
        break;
    }
  }
  return raw;
}

function int64ToInt32(where: string, name: string, values: BigInt64Array): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new SafetensorsError(
        `${where}: tensor "${name}" holds the int64 value ${v} (element ${i}), outside int32's range [${INT32_MIN}, ${INT32_MAX}]; Fovea's integer tensors are int32`,
      );
    }
    out[i] = Number(v);
  }
  return out;
}

function toTensor(where: string, name: string, raw: RawTensor): Tensor {
  const { dtype, shape, values } = fromRaw(raw);
  let data: Float32Array | Float64Array | Int32Array;
  let target: DType;
  if (values instanceof Float32Array || values instanceof Float64Array) {
    data = values;
    target = values instanceof Float64Array ? 'float64' : 'float32';
  } else if (values instanceof BigInt64Array) {
    data = int64ToInt32(where, name, values);
    target = 'int32';
  } else if (values instanceof Int32Array) {
    data = values;
    target = 'int32';
  } else {
    // BOOL stays bool; U8 widens to int32.
    data = Int32Array.from(values);
    target = dtype === 'BOOL' ? 'bool' : 'int32';
  }
  return tensor(data, { dtype: target }).reshape(shape);
}

/** Tensors from the codec's contents: F32, F16 and BF16 as float32, F64 as float64, integers as int32, BOOL as bool. */
export function fromRawTensors(where: string, contents: SafetensorsContents): StateDict {
  const out = emptyStateDict();
  for (const [name, raw] of contents.tensors) out[name] = toTensor(where, name, raw);
  return out;
}
