import { lenetTables } from './lenet-report.js';
import { type BenchReport, find, formatRate, formatRatio, PEER_ORDER, ratio, table } from './report.js';
import { PASSES } from './workloads.js';

/** Prints the report's tables: rates per pass, ratios, share of the ceiling, training, targets. */
export function printTables(report: BenchReport, log: (text: string) => void): void {
  const names = report.workloads
    .map((w) => w.name)
    .filter((w) => report.results.some((m) => m.workload === w));
  const peers = PEER_ORDER.filter((p) => report.results.some((m) => m.peer === p));
  const threads = (p: string) => String(report.results.find((m) => m.peer === p)?.threads ?? '');
  const header = (first: string) => [
    first,
    'threads',
    ...names.map((w) => (w === 'W1' ? 'W1 (calls/s)' : w)),
  ];
  for (const pass of PASSES) {
    log(`\n${pass === 'forward' ? 'Forward' : pass === 'dX' ? 'Backward dX' : 'Backward dW'} GFLOP/s`);
    log(
      table(
        header('peer'),
        peers.map((p) => [p, threads(p), ...names.map((w) => formatRate(find(report.results, p, w, pass)))]),
      ),
    );
  }
  const pairs: Array<[string, string]> = [
    ['fovea-t1', 'tfjs-cpu'],
    ['fovea-t1', 'tfjs-wasm-simd'],
    ['fovea-t1', 'ort-t1'],
    ['fovea-t2', 'ort-t2'],
    ['fovea-t1', 'pytorch-t1'],
    ['fovea-t2', 'pytorch-t2'],
    ['fovea-t2', 'fovea-t1'],
  ];
  for (const pass of PASSES) {
    log(`\nRatios, ${pass} (higher is faster for Fovea)`);
    const rows = pairs
      .filter(([a, b]) => peers.includes(a) && peers.includes(b))
      .map(([a, b]) => [
        `${a} / ${b}`,
        ...names.map((w) =>
          formatRatio(ratio(find(report.results, a, w, pass), find(report.results, b, w, pass))),
        ),
      ]);
    log(table(['ratio', ...names], rows));
  }
  const ceil = report.ceiling;
  log('\nForward as % of the WebAssembly SIMD ceiling for the same thread count');
  log(
    table(
      ['peer', ...names.filter((w) => w !== 'W1')],
      peers.map((p) => [
        p,
        ...names
          .filter((w) => w !== 'W1')
          .map((w) => {
            const m = find(report.results, p, w, 'forward');
            const c = m?.threads === 2 ? ceil.twoThreads : ceil.oneThread;
            return m?.rate == null || c == null ? '—' : `${((100 * m.rate) / c).toFixed(1)}%`;
          }),
      ]),
    ),
  );
  if (report.chapterOp.length > 0) {
    log("\nThe chapter's op (W1) through the public APIs, calls/s");
    log(
      table(
        ['op', 'calls/s'],
        report.chapterOp.map((c) => [c.name, Math.round(c.callsPerSecond).toLocaleString('en-US')]),
      ),
    );
  }
  if (report.training !== null) {
    const t = report.training;
    log(
      `\nLeNet training step, batch ${t.batch} (ms per step; first losses fovea ${t.losses.fovea.map((l) => l.toFixed(5)).join(', ')}, tfjs ${t.losses.tfjs.map((l) => l.toFixed(5)).join(', ')})`,
    );
    log(
      table(
        ['peer', 'ms/step', 'vs tfjs-cpu'],
        [
          ...t.fovea.map((f) => [`fovea-t${f.threads}`, f.ms.toFixed(2), formatRatio(t.tfjsCpu / f.ms)]),
          ['tfjs-cpu', t.tfjsCpu.toFixed(1), '1x'],
        ],
      ),
    );
  }
  if (report.memory !== null) {
    const m = report.memory;
    log(
      `\nMemory, ${m.steps} LeNet steps (batch ${m.batch}): RSS every 100 steps (MB): ${m.rss.map((v) => v.toFixed(0)).join(' ')}`,
    );
  }
  if (report.lenet !== null) log(lenetTables(report.lenet));
  log('\nTargets (issues 8 and 16)');
  log(
    table(
      ['target', 'measured', 'met'],
      report.targets.map((t) => [t.name, t.value, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
    ),
  );
}
