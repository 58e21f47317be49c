import { Tensor } from '@fovea/tensor';
import type { Region } from '../types.js';
import { viridis } from './colormap.js';
import { base64, encodePNG } from './png.js';

/** Pixels as a canvas `ImageData` holds them: row-major RGBA bytes. */
export interface RGBAImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

function mapValues(heatmap: Tensor, where: string): { h: number; w: number; values: ArrayLike<number> } {
  if (!(heatmap instanceof Tensor) || heatmap.ndim !== 2 || heatmap.dtype === 'bool') {
    const got = heatmap instanceof Tensor ? `${heatmap.dtype} [${heatmap.shape.join(', ')}]` : typeof heatmap;
    throw new TypeError(`${where}: expected a 2-D numeric heat map [H, W], got ${got}`);
  }
  return { h: heatmap.shape[0], w: heatmap.shape[1], values: heatmap.dataSync() };
}

/** Colours of the heat map: each value over `max` (the map's maximum by default) through viridis. */
function colours(values: ArrayLike<number>, max: number | undefined): [number, number, number][] {
  let top = max ?? 0;
  if (max === undefined) for (let i = 0; i < values.length; i++) top = Math.max(top, values[i]);
  const out: [number, number, number][] = new Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = viridis(top > 0 ? values[i] / top : 0);
  return out;
}

/**
 * The heat map as RGBA pixels through the viridis colour map, scaled so that its maximum (or
 * `max`) is the brightest colour: ready for a canvas (`new ImageData(data, width, height)`) or
 * for `encodePNG`.
 *
 * @param heatmap - A 2-D tensor of non-negative values.
 * @param options - `max`: the value drawn brightest (the map's maximum).
 * @returns RGBA pixels, one per value.
 */
export function heatmapToRGBA(heatmap: Tensor, options: { max?: number } = {}): RGBAImage {
  const { h, w, values } = mapValues(heatmap, 'heatmapToRGBA');
  const data = new Uint8ClampedArray(h * w * 4);
  colours(values, options.max).forEach(([r, g, b], i) => {
    data.set([r, g, b, 255], i * 4);
  });
  return { width: w, height: h, data };
}

/** The optional arguments of `heatmapSVG`. */
export interface HeatmapSVGOptions {
  /** An input box to outline, such as the theoretical receptive field. */
  region?: Region;
  /** Screen pixels per heat-map pixel; by default the picture is about 400 pixels wide. */
  scale?: number;
  /**
   * Embed the map as one PNG image instead of a rectangle per run of equal colours; the default
   * for maps of more than 128 x 128 pixels.
   */
  raster?: boolean;
  title?: string;
  /** Colour of the region's outline. */
  stroke?: string;
}

const hex = ([r, g, b]: [number, number, number]) =>
  `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;

const escapeXML = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The heat map as a standalone SVG document: one unit per input pixel (pixel (i, j) covers
 * x in [j, j + 1), y in [i, i + 1)), viridis colours, and the `region` outlined.
 *
 * @param heatmap - A 2-D tensor of non-negative values.
 * @param options - `region` to outline, `scale`, `raster`, `title` and `stroke`.
 * @returns An SVG document as a string.
 */
export function renderHeatmapSVG(heatmap: Tensor, options: HeatmapSVGOptions = {}): string {
  const { h, w, values } = mapValues(heatmap, 'renderHeatmapSVG');
  const scale = options.scale ?? Math.max(1, Math.floor(400 / Math.max(h, w)));
  if (!(scale > 0)) throw new RangeError(`renderHeatmapSVG: expected a positive scale, got ${options.scale}`);
  const raster = options.raster ?? h * w > 128 * 128;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w * scale}" height="${h * scale}" viewBox="0 0 ${w} ${h}" shape-rendering="crispEdges">`,
  ];
  if (options.title !== undefined) lines.push(`<title>${escapeXML(options.title)}</title>`);
  if (raster) {
    const png = encodePNG(heatmapToRGBA(heatmap));
    lines.push(
      `<image x="0" y="0" width="${w}" height="${h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${base64(png)}"/>`,
    );
  } else {
    const fills = colours(values, undefined).map(hex);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; ) {
        const fill = fills[y * w + x];
        let end = x + 1;
        while (end < w && fills[y * w + end] === fill) end++;
        lines.push(`<rect x="${x}" y="${y}" width="${end - x}" height="1" fill="${fill}"/>`);
        x = end;
      }
    }
  }
  if (options.region !== undefined) {
    const { rows, cols } = options.region;
    lines.push(
      `<rect x="${cols[0]}" y="${rows[0]}" width="${cols[1] - cols[0] + 1}" height="${rows[1] - rows[0] + 1}" ` +
        `fill="none" stroke="${options.stroke ?? '#ff3b30'}" stroke-width="2" vector-effect="non-scaling-stroke"/>`,
    );
  }
  lines.push('</svg>');
  return lines.join('\n');
}
