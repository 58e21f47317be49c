/** A grayscale image, values in [0, 1], row-major. */
export interface GrayImage {
  width: number;
  height: number;
  pixels: Float32Array;
}

function draw(width: number, height: number, value: (row: number, col: number) => number): GrayImage {
  const pixels = new Float32Array(width * height);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) pixels[row * width + col] = value(row, col);
  }
  return { width, height, pixels };
}

export const BUILTIN_IMAGES: Record<string, () => GrayImage> = {
  // The chapter's 6 x 8 image: white at both sides, black in columns 2 to 5.
  chapter: () => draw(8, 6, (_, col) => (col >= 2 && col < 6 ? 0 : 1)),
  square: () => draw(48, 48, (row, col) => (row >= 12 && row < 36 && col >= 12 && col < 36 ? 1 : 0)),
  disc: () => draw(64, 64, (row, col) => ((row - 31.5) ** 2 + (col - 31.5) ** 2 < 22 ** 2 ? 1 : 0)),
  checkerboard: () => draw(64, 64, (row, col) => ((row >> 3) + (col >> 3)) % 2),
  gradient: () => draw(64, 64, (row, col) => (row + col) / 126),
};

/** Largest side of an uploaded image once scaled down: keeps the arithmetic instant. */
const MAX_UPLOAD_SIDE = 128;

/** A picture file as a grayscale image (ITU-R BT.601 luma), scaled to fit 128 x 128. */
export async function imageFromFile(file: Blob): Promise<GrayImage> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, MAX_UPLOAD_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  return draw(width, height, (row, col) => {
    const i = 4 * (row * width + col);
    return (0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2]) / 255;
  });
}
