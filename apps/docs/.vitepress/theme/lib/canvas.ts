import type { GrayImage } from './images';

type Color = [number, number, number];

/** Draws `image` one canvas pixel per value; `color` maps a value to RGB. CSS scales it up. */
export function paint(canvas: HTMLCanvasElement, image: GrayImage, color: (value: number) => Color): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d')!;
  const data = context.createImageData(image.width, image.height);
  image.pixels.forEach((value, i) => {
    data.data.set([...color(value), 255], 4 * i);
  });
  context.putImageData(data, 0, 0);
}

/**
 * Draws `image` with `cell` canvas pixels per value, and the values themselves in each cell when
 * `numbers` (for images small enough to read). With `cell` 1 this is `paint`.
 */
export function paintScaled(
  canvas: HTMLCanvasElement,
  image: GrayImage,
  color: (value: number) => Color,
  cell: number,
  numbers: boolean,
): void {
  if (cell <= 1) {
    paint(canvas, image, color);
    return;
  }
  canvas.width = image.width * cell;
  canvas.height = image.height * cell;
  const context = canvas.getContext('2d')!;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.font = `${Math.max(9, Math.floor(cell / 3))}px ui-monospace, monospace`;
  image.pixels.forEach((value, i) => {
    const [x, y] = [(i % image.width) * cell, Math.floor(i / image.width) * cell];
    const rgb = color(value);
    context.fillStyle = `rgb(${rgb.join(' ')})`;
    context.fillRect(x, y, cell, cell);
    if (!numbers) return;
    context.fillStyle = textColorOn(rgb);
    context.fillText(formatValue(value), x + cell / 2, y + cell / 2);
  });
}

/** A value short enough for a cell: whole numbers as they are, others to two decimals. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
}

/** Dark text on light cells, white on dark ones (ITU-R BT.601 luma). */
export function textColorOn([r, g, b]: Color): string {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#1b1b1f' : '#ffffff';
}

/** How values are coloured, and the range and CSS gradient of the bar that explains it. */
export interface ColorScale {
  color: (value: number) => Color;
  low: number;
  high: number;
  css: string;
}

/**
 * The colours of the playground and the figures for values in [min, max]: `diverging` around
 * zero when `signed` (by default, when some value is negative), else `grayscale`.
 */
export function colorScale(min: number, max: number, signed = min < 0): ColorScale {
  const bound = Math.max(Math.abs(min), Math.abs(max)) || 1;
  const color = signed ? diverging(min, max) : grayscale(min, max);
  const [low, high] = signed ? [-bound, bound] : [min, max];
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${color(low + t * (high - low)).join(' ')})`);
  return { color, low, high, css: `linear-gradient(to right, ${stops.join(', ')})` };
}

/** Black to white over [min, max]. */
export function grayscale(min: number, max: number): (value: number) => Color {
  const span = max - min || 1;
  return (value) => {
    const v = Math.round((255 * (value - min)) / span);
    return [v, v, v];
  };
}

/** Blue for negative, white for zero, red for positive, scaled by the largest magnitude. */
export function diverging(min: number, max: number): (value: number) => Color {
  const scale = Math.max(Math.abs(min), Math.abs(max)) || 1;
  return (value) => {
    const t = Math.round(255 * (1 - Math.min(1, Math.abs(value) / scale)));
    return value >= 0 ? [255, t, t] : [t, t, 255];
  };
}

/** A heat map: black through red and yellow to white, over [0, max]. */
export function heat(max: number): (value: number) => Color {
  return (value) => {
    const t = max > 0 ? Math.min(1, value / max) : 0;
    return [
      Math.round(255 * Math.min(1, 3 * t)),
      Math.round(255 * Math.min(1, Math.max(0, 3 * t - 1))),
      Math.round(255 * Math.max(0, 3 * t - 2)),
    ];
  };
}

/** An inclusive box of cells. */
export interface Box {
  rows: [number, number];
  cols: [number, number];
}

/** Size of one cell when a grid of `rows` x `cols` is drawn about 256 pixels wide. */
export function cellSize(rows: number, cols: number): number {
  return Math.max(1, Math.floor(256 / Math.max(rows, cols)));
}

/** A grid of cells coloured by `fill`, with `box` outlined, crisp at any zoom. */
export function paintCells(
  canvas: HTMLCanvasElement,
  rows: number,
  cols: number,
  fill: (row: number, col: number) => Color,
  box: Box | null = null,
): void {
  const cell = cellSize(rows, cols);
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const context = canvas.getContext('2d')!;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      context.fillStyle = `rgb(${fill(row, col).join(' ')})`;
      context.fillRect(col * cell, row * cell, cell, cell);
    }
  }
  if (box === null) return;
  context.strokeStyle = '#22d3ee';
  context.lineWidth = 2;
  const [top, bottom] = box.rows;
  const [left, right] = box.cols;
  context.strokeRect(
    left * cell + 1,
    top * cell + 1,
    (right - left + 1) * cell - 2,
    (bottom - top + 1) * cell - 2,
  );
}

/** The cell under a click on a canvas drawn by `paintCells`. */
export function cellAt(event: MouseEvent, rows: number, cols: number): [number, number] {
  const rect = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
  const row = Math.floor(((event.clientY - rect.top) / rect.height) * rows);
  const col = Math.floor(((event.clientX - rect.left) / rect.width) * cols);
  return [Math.min(rows - 1, Math.max(0, row)), Math.min(cols - 1, Math.max(0, col))];
}
