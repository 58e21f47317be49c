import { inflateSync } from 'node:zlib';
import { noGrad } from '@fovea/autograd';
import { BatchNorm2d, Conv2d, Flatten, Identity, Linear, Module, ReLU, Sequential } from '@fovea/nn';
import { cat, Generator, type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  effectiveReceptiveField,
  encodePNG,
  heatmapToRGBA,
  receptiveField,
  renderHeatmapSVG,
} from '../src/index.js';
import { resnet18 } from './helpers/torchvision.js';

/** n single-channel 3x3 convolutions with every weight 1 and no bias. */
function onesStack(n: number, padding: number): Sequential {
  const layers = Array.from({ length: n }, () => new Conv2d(1, 1, 3, { padding, bias: false }));
  noGrad(() => {
    for (const conv of layers) conv.weight.fill_(1);
  });
  return new Sequential(...layers);
}

/** The full 2-D convolution of two matrices (sizes add, less one), by definition. */
function fullConvolution(a: number[][], b: number[][]): number[][] {
  const out = Array.from({ length: a.length + b.length - 1 }, () =>
    new Array<number>(a[0].length + b[0].length - 1).fill(0),
  );
  a.forEach((row, i) =>
    row.forEach((v, j) =>
      b.forEach((brow, k) =>
        brow.forEach((u, l) => {
          out[i + k][j + l] += v * u;
        }),
      ),
    ),
  );
  return out;
}

/** ones(3, 3) convolved with itself n times over, normalised to sum 1. */
function nFoldKernel(n: number): number[][] {
  const ones = [
    [1, 1, 1],
    [1, 1, 1],
    [1, 1, 1],
  ];
  let k = ones;
  for (let i = 1; i < n; i++) k = fullConvolution(k, ones);
  const total = k.flat().reduce((s, v) => s + v, 0);
  return k.map((row) => row.map((v) => v / total));
}

const rows = (t: Tensor) => t.toArray() as number[][];
const sum = (t: Tensor) =>
  rows(t)
    .flat()
    .reduce((a, b) => a + b, 0);

describe('effectiveReceptiveField (Luo et al., 2016)', () => {
  for (const [n, padding] of [
    [1, 1],
    [2, 0],
    [3, 1],
    [5, 0],
    [8, 1],
  ] as const) {
    it(`of ${n} all-ones 3x3 convolutions (padding ${padding}) is the ${n}-fold convolution of the kernel`, () => {
      const size = 2 * n + 7;
      const erf = effectiveReceptiveField(onesStack(n, padding), [1, 1, size, size], { samples: 2 });
      const [oh, ow] = erf.field.outputSize;
      expect(erf.output).toEqual([Math.floor(oh / 2), Math.floor(ow / 2)]);
      const { rows: r, cols: c } = erf.theoretical;
      expect([r[1] - r[0] + 1, c[1] - c[0] + 1]).toEqual([2 * n + 1, 2 * n + 1]);
      const expected = nFoldKernel(n);
      const heat = rows(erf.heatmap);
      expect(erf.heatmap.shape).toEqual([size, size]);
      // float32 gradients of integer path counts: equal to float32 rounding.
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = y >= r[0] && y <= r[1] && x >= c[0] && x <= c[1];
          const want = inside ? expected[y - r[0]][x - c[0]] : 0;
          expect(Math.abs(heat[y][x] - want)).toBeLessThanOrEqual(1e-6 * want + 1e-12);
        }
      }
    });
  }

  it('spreads like sqrt(n) while the theoretical field grows like n', () => {
    const results = [2, 4, 8, 16].map((n) => {
      const size = 2 * n + 9;
      const erf = effectiveReceptiveField(onesStack(n, 1), [1, 1, size, size]);
      return { n, erf };
    });
    for (const { n, erf } of results) {
      // The n-fold sum of a uniform variable on {-1, 0, 1} (variance 2/3) has variance 2n/3.
      expect(erf.stats.sigma[0]).toBeCloseTo(Math.sqrt((2 * n) / 3), 5);
      expect(erf.stats.sigma[1]).toBeCloseTo(Math.sqrt((2 * n) / 3), 5);
      expect(erf.stats.sigma[0] / Math.sqrt(n)).toBeCloseTo(Math.sqrt(2 / 3), 5);
      expect(erf.field.size).toEqual([2 * n + 1, 2 * n + 1]);
      const centre = (erf.heatmap.shape[0] - 1) / 2;
      expect(erf.stats.centre[0]).toBeCloseTo(centre, 6);
      expect(erf.stats.centre[1]).toBeCloseTo(centre, 6);
    }
    // The share of the theoretical field that holds 95% of the mass shrinks as the stack deepens.
    const fractions = results.map(({ erf }) => erf.stats.massFraction95);
    // Its area grows like sigma^2 ~ n against (2n + 1)^2, so the share nearly halves as n doubles.
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeLessThan(fractions[i - 1]);
    expect(fractions[3] / fractions[2]).toBeGreaterThan(0.5);
    expect(fractions[3] / fractions[2]).toBeLessThan(0.6);
    expect(fractions[3]).toBeLessThan(0.2);
  });

  it('on a random ResNet-18: a distribution inside the theoretical field, reproducible, the model untouched', () => {
    const model = resnet18(10);
    const before = model.parameters().map((p) => p.dataSync());
    const tracked = model.bn1.num_batches_tracked!.item();
    const options = { samples: 2, reinitialize: true, generator: new Generator(7), layer: 'layer2' };
    const erf = effectiveReceptiveField(model, [1, 3, 64, 64], options);
    expect(erf.field.output).toBe('layer2.1.relu_1');
    expect(erf.output).toEqual([4, 4]);
    expect(erf.theoretical).toEqual(
      receptiveField(model, [1, 3, 64, 64], { layer: 'layer2' }).regionClipped([4, 4]),
    );
    const heat = rows(erf.heatmap);
    let total = 0;
    heat.forEach((row, y) =>
      row.forEach((v, x) => {
        total += v;
        expect(v).toBeGreaterThanOrEqual(0);
        const inside =
          y >= erf.theoretical.rows[0] &&
          y <= erf.theoretical.rows[1] &&
          x >= erf.theoretical.cols[0] &&
          x <= erf.theoretical.cols[1];
        if (!inside) expect(v).toBe(0);
      }),
    );
    expect(total).toBeCloseTo(1, 10);
    expect(erf.stats.massFraction95).toBeGreaterThan(0);
    expect(erf.stats.massFraction95).toBeLessThan(1);
    const again = effectiveReceptiveField(model, [1, 3, 64, 64], { ...options, generator: new Generator(7) });
    expect(again.heatmap.dataSync()).toEqual(erf.heatmap.dataSync());
    const changed = model.parameters().filter((p, i) => {
      const now = p.dataSync();
      return now.length !== before[i].length || now.some((v, k) => v !== before[i][k]);
    });
    expect(changed).toHaveLength(0);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    expect(model.training).toBe(true);
    expect(model.bn1.num_batches_tracked!.item()).toBe(tracked);
  });

  it('measures the map the analysis ends at: the last map before a head, a functional op, the input', () => {
    const full = effectiveReceptiveField(resnet18(10), [1, 3, 64, 64]);
    expect(full.field.output).toBe('layer4.1.relu_1');
    expect(full.output).toEqual([1, 1]);
    expect(sum(full.heatmap)).toBeCloseTo(1, 10);

    class Inception extends Module {
      a = new Conv2d(1, 1, 1, { bias: false });
      b = new Conv2d(1, 1, 3, { padding: 1, bias: false });
      head = new Sequential(new Flatten(), new Linear(2 * 7 * 7, 3));
      override forward(x: Tensor): Tensor {
        return this.head.forward(cat([this.a.forward(x), this.b.forward(x)], 1)) as Tensor;
      }
    }
    const model = new Inception();
    noGrad(() => {
      model.a.weight.fill_(1);
      model.b.weight.fill_(1);
    });
    const erf = effectiveReceptiveField(model, [1, 1, 7, 7], { output: [3, 3] });
    expect(erf.field.output).toBe('cat');
    // Through a: the pixel itself (weight 1); through b: the 3x3 around it (1 each).
    const heat = rows(erf.heatmap);
    expect(heat[3][3]).toBeCloseTo(2 / 10, 6);
    expect(heat[2][4]).toBeCloseTo(1 / 10, 6);
    expect(heat[1][3]).toBe(0);

    const identity = effectiveReceptiveField(new Identity(), [1, 2, 5, 5]);
    expect(identity.stats.centre).toEqual([2, 2]);
    expect(rows(identity.heatmap)[2][2]).toBe(1);
  });

  it('measures any unit; the default is the centre of the output map', () => {
    const model = onesStack(2, 0);
    const corner = effectiveReceptiveField(model, [1, 1, 9, 9], { output: [0, 4] });
    expect(corner.theoretical).toEqual({ rows: [0, 4], cols: [4, 8] });
    expect(corner.stats.centre[0]).toBeCloseTo(2, 10);
    expect(corner.stats.centre[1]).toBeCloseTo(6, 10);
    expect(() => effectiveReceptiveField(model, [1, 1, 9, 9], { output: [5, 0] })).toThrow(
      /unit \[5, 0\] is not inside the output map \[5, 5\]/,
    );
    expect(() => effectiveReceptiveField(model, [1, 1, 9, 9], { samples: 0 })).toThrow(
      /samples as an integer/,
    );
  });

  it('says so when the unit does not depend on the input', () => {
    class Dead extends Module {
      conv = new Conv2d(1, 1, 3, { bias: true });
      relu = new ReLU();
      bn = new BatchNorm2d(1);
      override forward(x: Tensor): Tensor {
        return this.relu.forward(this.conv.forward(x).mul(0).sub(1));
      }
    }
    expect(() => effectiveReceptiveField(new Dead(), [1, 1, 8, 8])).toThrow(/zero gradient/);
  });
});

describe('rendering a heat map', () => {
  const heatmap = tensor([
    [0, 1, 0],
    [1, 4, 1],
    [0, 1, 2],
  ]);

  it('as RGBA through viridis, from its minimum colour to its maximum', () => {
    const image = heatmapToRGBA(heatmap);
    expect([image.width, image.height, image.data.length]).toEqual([3, 3, 36]);
    expect([...image.data.slice(0, 4)]).toEqual([0x44, 0x01, 0x54, 255]); // 0: viridis(0)
    expect([...image.data.slice(16, 20)]).toEqual([0xfd, 0xe7, 0x25, 255]); // 4: viridis(1)
    expect([...image.data.slice(32, 36)]).toEqual([0x21, 0x90, 0x8c, 255]); // 2: viridis(0.5)
    expect(() => heatmapToRGBA(tensor([1, 2]))).toThrow(/expected a 2-D numeric heat map/);
  });

  it('as an SVG document with a cell per run of pixels and the theoretical box', () => {
    const svg = renderHeatmapSVG(heatmap, { region: { rows: [0, 1], cols: [1, 2] }, title: 'ERF <centre>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('viewBox="0 0 3 3"');
    expect(svg).toContain('<title>ERF &lt;centre&gt;</title>');
    expect(svg).toContain('<rect x="1" y="1" width="1" height="1" fill="#fde725"/>');
    expect(svg.match(/<rect [^>]*height="1" fill="#/g)).toHaveLength(9);
    expect(svg).toContain('<rect x="1" y="0" width="2" height="2" fill="none"');
    expect(svg.endsWith('</svg>')).toBe(true);
    const raster = renderHeatmapSVG(heatmap, { raster: true });
    expect(raster).toMatch(/<image [^>]*href="data:image\/png;base64,iVBORw0KGgo/);
  });

  it('as a PNG file whose pixels are the RGBA image', () => {
    const image = heatmapToRGBA(heatmap);
    const png = encodePNG(image);
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer);
    expect(view.getUint32(16)).toBe(3); // IHDR width
    expect(view.getUint32(20)).toBe(3); // IHDR height
    const idatLength = view.getUint32(33);
    const pixels = inflateSync(png.slice(41, 41 + idatLength));
    for (let y = 0; y < 3; y++) {
      expect(pixels[y * 13]).toBe(0); // filter: none
      expect([...pixels.slice(y * 13 + 1, y * 13 + 13)]).toEqual([...image.data.slice(y * 12, y * 12 + 12)]);
    }
    // A map bigger than one stored block (65535 bytes) still round-trips.
    const big = {
      width: 200,
      height: 100,
      data: new Uint8ClampedArray(200 * 100 * 4).map((_, i) => i % 251),
    };
    const encoded = encodePNG(big);
    const bigView = new DataView(encoded.buffer);
    const inflated = inflateSync(encoded.slice(41, 41 + bigView.getUint32(33)));
    expect(inflated.length).toBe(100 * (200 * 4 + 1));
    expect([...inflated.slice(801 * 57 + 1, 801 * 57 + 801)]).toEqual([
      ...big.data.slice(800 * 57, 800 * 58),
    ]);
  });
});
