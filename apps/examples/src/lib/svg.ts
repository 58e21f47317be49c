/** A line chart of a loss per step on a log scale, as a standalone SVG document. */
export function lossCurveSvg(losses: readonly number[], title = 'training loss'): string {
  const [width, height] = [640, 360];
  const margin = { left: 64, right: 16, top: 32, bottom: 40 };
  const positive = losses.filter((l) => l > 0 && Number.isFinite(l));
  const low = Math.floor(Math.log10(Math.min(...positive, 1)));
  const high = Math.ceil(Math.log10(Math.max(...positive, 1e-12)));
  const top = high > low ? high : low + 1;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (step: number) => margin.left + (losses.length > 1 ? (step / (losses.length - 1)) * plotW : 0);
  const y = (loss: number) =>
    margin.top + ((top - Math.log10(Math.max(loss, 10 ** low))) / (top - low)) * plotH;
  const points = losses
    .map((l, i) => (Number.isFinite(l) ? `${x(i).toFixed(1)},${y(l).toFixed(1)}` : null))
    .filter((p) => p !== null)
    .join(' ');
  const grid: string[] = [];
  for (let e = low; e <= top; e++) {
    const gy = y(10 ** e).toFixed(1);
    grid.push(`<line x1="${margin.left}" y1="${gy}" x2="${width - margin.right}" y2="${gy}" stroke="#ddd"/>`);
    grid.push(
      `<text x="${margin.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">1e${e}</text>`,
    );
  }
  const bottom = height - margin.bottom;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
    ...grid,
    `<line x1="${margin.left}" y1="${bottom}" x2="${width - margin.right}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${bottom}" stroke="black"/>`,
    `<text x="${margin.left}" y="${bottom + 16}" text-anchor="middle">1</text>`,
    `<text x="${width - margin.right}" y="${bottom + 16}" text-anchor="middle">${losses.length}</text>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">step</text>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${points}"/>`,
    '</svg>',
    '',
  ].join('\n');
}

export interface Curve {
  name: string;
  values: readonly number[];
  color: string;
  dashed?: boolean;
}

/**
 * Curves per epoch on a linear scale with a legend, as d2l's `Animator` draws `train_ch6`'s
 * train loss, train accuracy and test accuracy; the y axis runs from 0 to at least 1.
 */
export function epochCurvesSvg(curves: readonly Curve[], title: string): string {
  const [width, height] = [640, 360];
  const margin = { left: 48, right: 150, top: 32, bottom: 40 };
  const epochs = Math.max(...curves.map((c) => c.values.length), 1);
  const finite = curves.flatMap((c) => c.values.filter(Number.isFinite));
  const highest = Math.max(...finite, 0);
  const tick = highest > 1 ? 0.5 : 0.2; // d2l's animator: losses above 1 get a coarser grid
  const top = Math.max(1, Math.ceil(highest / tick) * tick);
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const bottom = height - margin.bottom;
  const x = (epoch: number) => margin.left + (epochs > 1 ? ((epoch - 1) / (epochs - 1)) * plotW : plotW / 2);
  const y = (v: number) => margin.top + (1 - v / top) * plotH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left + plotW / 2}" y="20" text-anchor="middle" font-size="14">${title}</text>`,
  ];
  for (let k = 0; k <= Math.round(top / tick); k++) {
    const v = k * tick;
    const gy = y(v).toFixed(1);
    out.push(`<line x1="${margin.left}" y1="${gy}" x2="${margin.left + plotW}" y2="${gy}" stroke="#ddd"/>`);
    out.push(
      `<text x="${margin.left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle">${v.toFixed(1)}</text>`,
    );
  }
  for (let e = 1; e <= epochs; e++) {
    out.push(`<text x="${x(e).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${e}</text>`);
  }
  out.push(
    `<line x1="${margin.left}" y1="${bottom}" x2="${margin.left + plotW}" y2="${bottom}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${bottom}" stroke="black"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">epoch</text>`,
  );
  curves.forEach((curve, i) => {
    const points = curve.values
      .map((v, e) => (Number.isFinite(v) ? `${x(e + 1).toFixed(1)},${y(v).toFixed(1)}` : null))
      .filter((p) => p !== null)
      .join(' ');
    const dash = curve.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<polyline fill="none" stroke="${curve.color}" stroke-width="1.5"${dash} points="${points}"><title>${curve.name}</title></polyline>`,
    );
    const ly = margin.top + 16 + 20 * i;
    const lx = margin.left + plotW + 16;
    out.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${curve.color}" stroke-width="1.5"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${curve.name}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
