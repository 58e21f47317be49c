import type { Ceiling } from './ceiling.js';
import type { CheckResult } from './check.js';
import type { LenetReport } from './lenet-fashion.js';
import type { MemoryResult, TrainingResult } from './training.js';
import type { Pass } from './workloads.js';

export interface Measurement {
  readonly peer: string;
  readonly threads: number;
  readonly workload: string;
  readonly pass: Pass;
  /** The batch timed (smaller than the workload's when a slow peer had to be cut to the budget). */
  readonly batch: number;
  readonly fullBatch: number;
  readonly callsPerSecond: boolean;
  /** Median ms per call; null when not measured (see note). */
  readonly ms: number | null;
  /** GFLOP/s, or calls per second for W1. */
  readonly rate: number | null;
  readonly reps: number;
  readonly inner: number;
  readonly check: CheckResult | null;
  readonly note: string | null;
}

export interface ChapterOp {
  readonly name: string;
  readonly callsPerSecond: number;
}

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly met: boolean | null;
}

export interface BenchReport {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: { cpu: string; cores: number; node: string };
  readonly workloads: readonly { name: string; what: string; flops: number }[];
  readonly ceiling: Ceiling;
  readonly results: readonly Measurement[];
  readonly chapterOp: readonly ChapterOp[];
  readonly training: TrainingResult | null;
  readonly memory: MemoryResult | null;
  readonly lenet: LenetReport | null;
  readonly targets: readonly Target[];
}

export const PEER_ORDER = [
  'fovea-t1',
  'fovea-t2',
  'tfjs-cpu',
  'tfjs-wasm-simd',
  'ort-t1',
  'ort-t2',
  'pytorch-t1',
  'pytorch-t2',
];

export function formatRate(m: Measurement | undefined): string {
  if (m === undefined) return '';
  if (m.rate === null) return m.note === 'unsupported' ? '—' : (m.note ?? '—');
  let text: string;
  if (m.callsPerSecond) text = Math.round(m.rate).toLocaleString('en-US');
  else
    text =
      m.rate >= 100
        ? m.rate.toFixed(0)
        : m.rate >= 10
          ? m.rate.toFixed(1)
          : m.rate >= 0.1
            ? m.rate.toFixed(2)
            : m.rate.toFixed(3);
  const notes: string[] = [];
  if (m.batch !== m.fullBatch) notes.push(`n=${m.batch}`);
  if (m.reps === 1) notes.push('1 rep');
  if (m.check !== null && !m.check.ok) notes.push('CHECK FAILED');
  return notes.length > 0 ? `${text} (${notes.join(', ')})` : text;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function find(
  results: readonly Measurement[],
  peer: string,
  workload: string,
  pass: Pass,
): Measurement | undefined {
  return results.find((m) => m.peer === peer && m.workload === workload && m.pass === pass);
}

export function ratio(a: Measurement | undefined, b: Measurement | undefined): number | null {
  if (a?.rate == null || b?.rate == null || b.rate === 0) return null;
  return a.rate / b.rate;
}

export function formatRatio(r: number | null): string {
  if (r === null) return '—';
  return r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

const COLORS: Record<string, string> = {
  'fovea-t1': '#1f77b4',
  'fovea-t2': '#6baed6',
  'tfjs-cpu': '#d62728',
  'tfjs-wasm-simd': '#ff7f0e',
  'ort-t1': '#2ca02c',
  'ort-t2': '#98df8a',
};

/** Grouped bars of GFLOP/s (log scale) for W2-W6, a panel per pass. */
export function chart(report: BenchReport): string {
  const workloads = report.workloads.map((w) => w.name).filter((w) => w !== 'W1');
  const passes: Pass[] = ['forward', 'dX', 'dW'];
  const peers = PEER_ORDER.filter((p) => report.results.some((m) => m.peer === p));
  const panelW = 420;
  const panelH = 300;
  const left = 50;
  const top = 40;
  const plotH = 220;
  const lo = -2;
  const hi = Math.ceil(
    Math.log10(Math.max(100, ...report.results.map((m) => (m.callsPerSecond ? 0 : (m.rate ?? 0))))),
  );
  const y = (v: number) => top + plotH - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * plotH;
  const parts: string[] = [];
  const width = passes.length * panelW + 20;
  const height = panelH + 60;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  );
  passes.forEach((pass, pi) => {
    const x0 = pi * panelW + 10;
    parts.push(
      `<text x="${x0 + left}" y="20" font-size="14" font-weight="bold">${pass} GFLOP/s (log scale)</text>`,
    );
    for (let e = lo; e <= hi; e++) {
      const yy = y(10 ** e);
      parts.push(
        `<line x1="${x0 + left}" x2="${x0 + panelW - 10}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
        `<text x="${x0 + left - 6}" y="${yy + 4}" text-anchor="end">${10 ** e}</text>`,
      );
    }
    const groupW = (panelW - left - 20) / workloads.length;
    const barW = (groupW - 8) / peers.length;
    workloads.forEach((w, wi) => {
      const gx = x0 + left + wi * groupW + 4;
      parts.push(`<text x="${gx + groupW / 2 - 4}" y="${top + plotH + 16}" text-anchor="middle">${w}</text>`);
      peers.forEach((p, k) => {
        const m = find(report.results, p, w, pass);
        if (m?.rate == null) return;
        const yy = y(m.rate);
        parts.push(
          `<rect x="${(gx + k * barW).toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(top + plotH - yy).toFixed(1)}" fill="${COLORS[p] ?? '#888'}"><title>${p} ${w} ${pass}: ${m.rate.toPrecision(3)} GFLOP/s</title></rect>`,
        );
      });
    });
  });
  peers.forEach((p, k) => {
    const lx = 10 + k * 150;
    parts.push(
      `<rect x="${lx + left}" y="${panelH + 20}" width="12" height="12" fill="${COLORS[p] ?? '#888'}"/>`,
      `<text x="${lx + left + 16}" y="${panelH + 30}">${p}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
