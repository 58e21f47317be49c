import { argumentError, checkElements, checkOptions, describe, Tensor } from '@fovea/tensor';
import { rowsOf } from '../dataset/batch-rows.js';
import { checkIndex, checkIndices, type Dataset } from '../dataset/dataset.js';
import type { Platform } from '../idx/platform.js';
import { type IdxArray, parseIdx } from '../idx/read-idx.js';

/** Which half of a dataset: the training set or the test set (torchvision's `train=True/False`). */
export type Split = 'train' | 'test';

/** The optional transforms of an image dataset, as torchvision's `transform` and `target_transform`. */
export interface ImageDatasetOptions {
  /** Applied to each image tensor as it is read (for example `(x) => normalize(x, [0.286], [0.353])`). */
  transform?: (image: Tensor) => Tensor;
  /** Applied to each label as it is read (a class remapping, for example). */
  targetTransform?: (label: number) => number;
}

/** The optional arguments of `fromBytes`: the transforms, and how the bytes are named in errors. */
export interface FromBytesOptions extends ImageDatasetOptions {
  /** Names the bytes in errors (default: the dataset's file names for `split`). */
  names?: { images: string; labels: string };
  /** Which files the bytes are, for error messages (default 'train'). */
  split?: Split;
}

/** A dataset class: its constructor and its statics, so `fromBytes` builds the subclass it is called on. */
type DatasetClass<D> = (new (
  images: Uint8Array,
  labels: Uint8Array,
  classes: readonly string[],
  options?: ImageDatasetOptions,
) => D) &
  Pick<typeof IdxImageDataset, 'classes' | 'title' | 'hint' | 'fromBytes'> & { readonly platform: Platform };

/** The four original files, as LeCun's MNIST site and Zalando's Fashion-MNIST name them. */
export function idxFileNames(split: Split): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/**
 * The MNIST family: 28 x 28 grayscale images and their labels, read from a pair of IDX files
 * (gzip or raw). A sample is `[image, label]`: the image a float32 tensor [1, 28, 28] in [0, 1]
 * (torchvision's `ToTensor`), the label an integer, each passed through its transform if given.
 */
export class IdxImageDataset implements Dataset<[Tensor, number]> {
  /** The class names, by label. */
  static readonly classes: readonly string[] = [];
  /** How the dataset names itself in errors. */
  static readonly title: string = 'IdxImageDataset';
  /** Where to turn for the files when `fromDirectory` cannot read them. */
  static readonly hint: string = '';
  /** What the platform offers: a synchronous gunzip and file reads in Node, nothing in browsers. */
  static readonly platform: Platform = {};

  /** The pixels, [length, 28, 28] row-major, 0..255. */
  readonly images: Uint8Array;
  /** The labels, one byte each. */
  readonly labels: Uint8Array;
  /** The class names, by label (`dataset.classes[label]`). */
  readonly classes: readonly string[];
  private readonly transform: ((image: Tensor) => Tensor) | undefined;
  private readonly targetTransform: ((label: number) => number) | undefined;

  /**
   * A dataset over pixels and labels already in memory; `fromDirectory` and `fromBytes` read
   * the IDX files and call this.
   *
   * @param images - The pixels, 784 bytes per image.
   * @param labels - The labels, one byte per image.
   * @param classes - The class names, by label.
   * @param options - `transform` and `targetTransform`.
   */
  constructor(
    images: Uint8Array,
    labels: Uint8Array,
    classes: readonly string[],
    options: ImageDatasetOptions = {},
  ) {
    const title = (new.target as typeof IdxImageDataset).title;
    if (!(images instanceof Uint8Array))
      throw argumentError(title, 'images', 'a Uint8Array of pixels', images);
    if (!(labels instanceof Uint8Array))
      throw argumentError(title, 'labels', 'a Uint8Array of labels', labels);
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
      throw argumentError(title, 'classes', 'an array of class names', classes);
    }
    const { transform, targetTransform } = checkOptions(title, options);
    checkTransforms(title, transform, targetTransform);
    if (images.length !== labels.length * 784) {
      throw new Error(
        `${title}: ${images.length} bytes of pixels do not make ${labels.length} images of 28 x 28`,
      );
    }
    this.images = images;
    this.labels = labels;
    this.classes = classes;
    this.transform = transform;
    this.targetTransform = targetTransform;
  }

  /**
   * The dataset from the bytes of its two IDX files (gzip or raw; gzip needs a synchronous
   * gunzip, which Node has: elsewhere pass the bytes through `await decompress(bytes)` first).
   */
  static fromBytes<D extends IdxImageDataset>(
    this: DatasetClass<D>,
    files: { images: Uint8Array; labels: Uint8Array },
    options: FromBytesOptions = {},
  ): D {
    return fromFiles(this, `${this.title}.fromBytes`, files, options);
  }

  /**
   * The dataset from a folder holding its original files (`train-images-idx3-ubyte.gz` and the
   * others, gzip or raw), in Node. A missing folder or file, or a corrupt one, is an error naming it.
   */
  static fromDirectory<D extends IdxImageDataset>(
    this: DatasetClass<D>,
    directory: string,
    options: ImageDatasetOptions & { split?: Split } = {},
  ): D {
    const where = `${this.title}.fromDirectory`;
    const { readFile, join } = this.platform;
    options = checkOptions(where, options);
    const split = options.split ?? 'train';
    if (split !== 'train' && split !== 'test') {
      throw new Error(`${where}: split must be 'train' or 'test', got ${shown(split)}`);
    }
    if (typeof directory !== 'string' || directory === '') {
      throw argumentError(where, 'directory', 'a non-empty string', directory);
    }
    if (readFile === undefined || join === undefined) {
      throw new Error(
        `${where}: reading '${directory}' needs Node.js; elsewhere fetch the files and call ${this.title}.fromBytes`,
      );
    }
    const hint = this.hint === '' ? '' : ` (${this.hint})`;
    const read = (file: string): { bytes: Uint8Array; name: string } => {
      for (const name of [`${file}.gz`, file]) {
        let bytes: ReturnType<typeof readFile>;
        try {
          bytes = readFile(join(directory, name));
        } catch (error) {
          throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
        }
        if (bytes === 'missing-directory') throw new Error(`${where}: no folder '${directory}'${hint}`);
        if (bytes !== 'missing-file') return { bytes, name: join(directory, name) };
      }
      throw new Error(`${where}: '${directory}' has neither ${file}.gz nor ${file}${hint}`);
    };
    const files = idxFileNames(split);
    const images = read(files.images);
    const labels = read(files.labels);
    return fromFiles(
      this,
      where,
      { images: images.bytes, labels: labels.bytes },
      { ...options, names: { images: images.name, labels: labels.name } },
    );
  }

  /** The number of images. */
  get length(): number {
    return this.labels.length;
  }

  /**
   * The i-th sample, like `dataset[i]` in PyTorch.
   *
   * @param index - From 0 to `length - 1`.
   * @returns `[image, label]`: a float32 [1, 28, 28] tensor in [0, 1] and an integer, each
   * through its transform.
   */
  get(index: number): [Tensor, number] {
    const i = checkIndex(`${(this.constructor as typeof IdxImageDataset).title}.get`, index, this.length);
    const pixels = new Float32Array(PIXELS);
    scaleImage(this.images, i, pixels, 0);
    return this.sample(Tensor.fromArray(pixels, [1, 28, 28], 'float32'), i);
  }

  /**
   * The samples at `indices`, like PyTorch's `__getitems__`: what `get` gives for each, with
   * the images gathered into one float32 [n, 1, 28, 28] batch that each sample's image is a
   * row of (through its transform, if any). `DataLoader` fetches its batches this way, and
   * `defaultCollate` hands that batch over instead of stacking a copy.
   *
   * @param indices - Each from 0 to `length - 1`.
   * @returns One `[image, label]` per index.
   */
  getItems(indices: readonly number[]): [Tensor, number][] {
    const where = `${(this.constructor as typeof IdxImageDataset).title}.getItems`;
    const rows = checkIndices(where, indices, this.length);
    const shape = [rows.length, 1, 28, 28];
    const pixels = new Float32Array(checkElements(where, rows.length * PIXELS, shape));
    for (let k = 0; k < rows.length; k++) scaleImage(this.images, rows[k], pixels, k * PIXELS);
    const images = rowsOf(Tensor.fromArray(pixels, shape, 'float32'));
    return rows.map((i, k) => this.sample(images[k], i));
  }

  /** Sample `i` with its image made: both through their transforms. */
  private sample(image: Tensor, i: number): [Tensor, number] {
    const label = this.labels[i];
    return [
      this.transform === undefined ? image : this.transform(image),
      this.targetTransform === undefined ? label : this.targetTransform(label),
    ];
  }
}

const PIXELS = 28 * 28;

/** Each byte's value in [0, 1] as float32: `b / 255` rounded once, as torchvision's `ToTensor`. */
const SCALED = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** Image `i` of `images` (bytes) into `out` at `at`, scaled to [0, 1]. */
function scaleImage(images: Uint8Array, i: number, out: Float32Array, at: number): void {
  const offset = PIXELS * i;
  for (let k = 0; k < PIXELS; k++) out[at + k] = SCALED[images[offset + k]];
}

function checkTransforms(where: string, transform: unknown, targetTransform: unknown): void {
  if (transform !== undefined && typeof transform !== 'function') {
    throw argumentError(where, 'transform', 'a function', transform);
  }
  if (targetTransform !== undefined && typeof targetTransform !== 'function') {
    throw argumentError(where, 'targetTransform', 'a function', targetTransform);
  }
}

/** `split` as errors show it: `'val'`, or what the check family says of a non-string. */
function shown(split: unknown): string {
  return typeof split === 'string' ? `'${split}'` : describe(split);
}

/** The dataset `Class` from the bytes of its two IDX files; `where` names the caller in errors. */
function fromFiles<D extends IdxImageDataset>(
  Class: DatasetClass<D>,
  where: string,
  files: { images: Uint8Array; labels: Uint8Array },
  options: FromBytesOptions | undefined,
): D {
  if (typeof files !== 'object' || files === null) {
    throw argumentError(where, 'files', 'an object { images, labels } of IDX bytes', files);
  }
  options = checkOptions(where, options);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new Error(`${where}: split must be 'train' or 'test', got ${shown(split)}`);
  }
  const names = options.names ?? idxFileNames(split);
  if (
    typeof names !== 'object' ||
    names === null ||
    typeof names.images !== 'string' ||
    typeof names.labels !== 'string'
  ) {
    throw argumentError(where, 'names', 'an object { images, labels } of file names', names);
  }
  const images = parseIdx(files.images, names.images, Class.platform.gunzip, where);
  const labels = parseIdx(files.labels, names.labels, Class.platform.gunzip, where);
  checkImages(where, names.images, images);
  checkLabels(where, names.labels, labels, Class.classes.length);
  if (images.shape[0] !== labels.shape[0]) {
    throw new Error(
      `${where}: '${names.images}' has ${images.shape[0]} images but '${names.labels}' has ${labels.shape[0]} labels`,
    );
  }
  const { transform, targetTransform } = options;
  checkTransforms(where, transform, targetTransform);
  return new Class(images.data as Uint8Array, labels.data as Uint8Array, Class.classes, {
    transform,
    targetTransform,
  });
}

function checkImages(title: string, name: string, idx: IdxArray): void {
  const { shape } = idx;
  if (!(idx.data instanceof Uint8Array) || shape.length !== 3 || shape[1] !== 28 || shape[2] !== 28) {
    throw new Error(
      `${title}: '${name}' is not an image file: expected unsigned bytes of shape [N, 28, 28], got ${idx.data.constructor.name} [${shape.join(', ')}]`,
    );
  }
}

function checkLabels(title: string, name: string, idx: IdxArray, classes: number): void {
  const { shape, data } = idx;
  if (!(data instanceof Uint8Array) || shape.length !== 1) {
    throw new Error(
      `${title}: '${name}' is not a label file: expected unsigned bytes of shape [N], got ${data.constructor.name} [${shape.join(', ')}]`,
    );
  }
  const bad = data.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new Error(
      `${title}: '${name}' has label ${data[bad]} at index ${bad}; labels must be in 0..${classes - 1}`,
    );
  }
}
