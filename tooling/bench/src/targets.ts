import { type BenchReport, find, formatRatio, ratio, type Target } from './report.js';
import { PASSES } from './workloads.js';

/** The targets of issue 8, measured: which the run met. */
export function targets(report: Omit<BenchReport, 'targets'>): Target[] {
  const r = report.results;
  const heavy = ['W2', 'W3', 'W4', 'W5', 'W6'];
  const out: Target[] = [];
  const list = (f: (w: string) => number | null, goal: number) => {
    const values = heavy.map((w) => [w, f(w)] as const);
    const met = values.every(([, v]) => v !== null && v >= goal);
    return {
      value: values.map(([w, v]) => `${w} ${formatRatio(v)}`).join(', '),
      met: values.some(([, v]) => v === null) ? null : met,
    };
  };
  const fwd = list(
    (w) => ratio(find(r, 'fovea-t1', w, 'forward'), find(r, 'tfjs-wasm-simd', w, 'forward')),
    1,
  );
  out.push({ name: 'forward W2-W6 >= 1.0x tfjs-wasm-simd (1 thread)', ...fwd });
  for (const pass of ['dX', 'dW'] as const) {
    const own = list((w) => ratio(find(r, 'fovea-t1', w, pass), find(r, 'fovea-t1', w, 'forward')), 0.7);
    out.push({ name: `${pass} W2-W6 >= 0.7x Fovea's forward (1 thread)`, ...own });
  }
  if (report.training !== null) {
    const t = report.training;
    const fovea1 = t.fovea.find((f) => f.threads === 1);
    const speedup = fovea1 ? t.tfjsCpu / fovea1.ms : null;
    out.push({
      name: 'LeNet training step >= 30x tfjs-cpu (1 thread)',
      value: `${formatRatio(speedup)} (batch ${t.batch}; losses ${t.ok ? 'agree' : 'DIFFER'})`,
      met: speedup === null ? null : speedup >= 30 && t.ok,
    });
  }
  for (const pass of PASSES) {
    const values = ['W3', 'W4', 'W5'].map(
      (w) => [w, ratio(find(r, 'fovea-t2', w, pass), find(r, 'fovea-t1', w, pass))] as const,
    );
    out.push({
      name: `2 threads >= 1.7x 1 thread, W3-W5 ${pass}`,
      value: values.map(([w, v]) => `${w} ${formatRatio(v)}`).join(', '),
      met: values.some(([, v]) => v === null) ? null : values.every(([, v]) => (v ?? 0) >= 1.7),
    });
  }
  // Issue 16: the large 3 x 3 layers against PyTorch CPU, when it ran (not under --quick).
  const torchW = ['W4', 'W5'].map(
    (w) => [w, ratio(find(r, 'fovea-t1', w, 'forward'), find(r, 'pytorch-t1', w, 'forward'))] as const,
  );
  out.push({
    name: 'W4 and W5 forward >= 0.8x PyTorch CPU (1 thread)',
    value: torchW.map(([w, v]) => `${w} ${formatRatio(v)}`).join(', '),
    met: torchW.some(([, v]) => v === null) ? null : torchW.every(([, v]) => (v ?? 0) >= 0.8),
  });
  const chapter = report.chapterOp;
  const foveaW1 = chapter.find((c) => c.name.startsWith('fovea corr2d'));
  const tfW1 = chapter.find((c) => c.name.startsWith('tfjs-cpu'));
  if (foveaW1 && tfW1) {
    out.push({
      name: "W1 (the chapter's op) calls/s >= tfjs-cpu",
      value: `${Math.round(foveaW1.callsPerSecond).toLocaleString('en-US')} vs ${Math.round(tfW1.callsPerSecond).toLocaleString('en-US')} (${formatRatio(foveaW1.callsPerSecond / tfW1.callsPerSecond)})`,
      met: foveaW1.callsPerSecond >= tfW1.callsPerSecond,
    });
  }
  const ceil = report.ceiling.oneThread;
  const share = ['W3', 'W4'].map((w) => {
    const rate = find(r, 'fovea-t1', w, 'forward')?.rate;
    return [w, rate == null ? null : rate / ceil] as const;
  });
  out.push({
    name: '>= 80% of the WebAssembly SIMD ceiling on W3 and W4 (forward, 1 thread)',
    value: share.map(([w, v]) => `${w} ${v === null ? '—' : `${(100 * v).toFixed(0)}%`}`).join(', '),
    met: share.some(([, v]) => v === null) ? null : share.every(([, v]) => (v ?? 0) >= 0.8),
  });
  if (report.memory !== null) {
    const m = report.memory;
    out.push({
      name: `${m.steps} LeNet steps: RSS at the end within 10% of step 100`,
      value: `${m.rss[0].toFixed(0)} MB -> ${m.rss[m.rss.length - 1].toFixed(0)} MB (${(100 * m.growth).toFixed(1)}%)`,
      met: Math.abs(m.growth) <= 0.1,
    });
  }
  return out;
}
