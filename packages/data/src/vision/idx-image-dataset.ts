import { type Tensor, tensor } from '@fovea/tensor';
import { checkIndex, type Dataset } from '../dataset/dataset.js';
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
    if (images.length !== labels.length * 784) {
      throw new Error(
        `IdxImageDataset: ${images.length} bytes of pixels do not make ${labels.length} images of 28 x 28`,
      );
    }
    this.images = images;
    this.labels = labels;
    this.classes = classes;
    this.transform = options.transform;
    this.targetTransform = options.targetTransform;
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
    const names = options.names ?? idxFileNames(options.split ?? 'train');
    const images = parseIdx(files.images, names.images, this.platform.gunzip);
    const labels = parseIdx(files.labels, names.labels, this.platform.gunzip);
    checkImages(this.title, names.images, images);
    checkLabels(this.title, names.labels, labels, this.classes.length);
    if (images.shape[0] !== labels.shape[0]) {
      throw new Error(
        `${this.title}: '${names.images}' has ${images.shape[0]} images but '${names.labels}' has ${labels.shape[0]} labels`,
      );
    }
    return new this(images.data as Uint8Array, labels.data as Uint8Array, this.classes, options);
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
    const { readFile, join } = this.platform;
    const split = options.split ?? 'train';
    if (split !== 'train' && split !== 'test') {
      throw new Error(`${this.title}.fromDirectory: split must be 'train' or 'test', got '${String(split)}'`);
    }
    if (readFile === undefined || join === undefined) {
      throw new Error(
        `${this.title}.fromDirectory: reading '${directory}' needs Node.js; elsewhere fetch the files and call ${this.title}.fromBytes`,
      );
    }
    const hint = this.hint === '' ? '' : ` (${this.hint})`;
    const read = (file: string): { bytes: Uint8Array; name: string } => {
      for (const name of [`${file}.gz`, file]) {
        const bytes = readFile(join(directory, name));
        if (bytes === 'missing-directory') {
          throw new Error(`${this.title}: no folder '${directory}'${hint}`);
        }
        if (bytes !== 'missing-file') return { bytes, name: join(directory, name) };
      }
      throw new Error(`${this.title}: '${directory}' has neither ${file}.gz nor ${file}${hint}`);
    };
    const files = idxFileNames(split);
    const images = read(files.images);
    const labels = read(files.labels);
    return this.fromBytes(
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
    const pixels = new Float32Array(784);
    const offset = 784 * i;
    for (let k = 0; k < 784; k++) pixels[k] = this.images[offset + k] / 255;
    let image = tensor(pixels).reshape([1, 28, 28]);
    if (this.transform !== undefined) image = this.transform(image);
    const label = this.labels[i];
    return [image, this.targetTransform === undefined ? label : this.targetTransform(label)];
  }
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
