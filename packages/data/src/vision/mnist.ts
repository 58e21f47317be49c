import { IdxImageDataset } from './idx-image-dataset.js';

/** Zalando's Fashion-MNIST (Xiao et al., 2017): 60,000 + 10,000 images of clothing, 10 classes. */
export class FashionMNIST extends IdxImageDataset {
  // torchvision's names, in label order
  static override readonly classes: readonly string[] = [
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
  ];
  static override readonly title: string = 'FashionMNIST';
  static override readonly hint: string =
    'Debian: apt-get install dataset-fashion-mnist puts the files in /usr/share/datasets/fashion-mnist';
}

/** LeCun's MNIST: 60,000 + 10,000 handwritten digits. */
export class MNIST extends IdxImageDataset {
  static override readonly classes: readonly string[] = [
    '0 - zero',
    '1 - one',
    '2 - two',
    '3 - three',
    '4 - four',
    '5 - five',
    '6 - six',
    '7 - seven',
    '8 - eight',
    '9 - nine',
  ];
  static override readonly title: string = 'MNIST';
}
