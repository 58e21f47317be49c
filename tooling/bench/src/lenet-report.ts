import { type LenetReport, memoryGrowth, type PeerLenet, STEP_BATCHES, warmEpoch } from './lenet-fashion.js';
import { formatRatio, type Target, table } from './report.js';

const peerRows = (report: LenetReport): [string, PeerLenet][] => [
  ...report.fovea.map((p) => [`fovea-t${p.threads}`, p] as [string, PeerLenet]),
  ...(report.torch ?? []).map((p) => [`torch-t${p.threads}`, p] as [string, PeerLenet]),
];

const stepMs = (p: PeerLenet | undefined, batch: number) => p?.steps.find((s) => s.batch === batch)?.ms;

/** PyTorch's time over Fovea's: at least 1 when Fovea is at least as fast. */
function speedRatio(
  report: LenetReport,
  threads: number,
  pick: (p: PeerLenet) => number | undefined,
): number | null {
  const fovea = report.fovea.find((p) => p.threads === threads);
  const torch = report.torch?.find((p) => p.threads === threads);
  const f = fovea && pick(fovea);
  const t = torch && pick(torch);
  return f === undefined || t === undefined || f === 0 ? null : t / f;
}

/** The LeNet tables: epoch, step time by batch, ratios, RSS per epoch. */
export function lenetTables(report: LenetReport): string {
  const out: string[] = [];
  out.push(
    `\nLeNet on Fashion-MNIST, d2l's recipe (sigmoid, average pooling, SGD lr 0.9, batch 256), an epoch of ${report.images} images (the median of the epochs after the first) from ${report.data}` +
      (report.torchVersion === null ? '' : `; PyTorch ${report.torchVersion} CPU`),
  );
  if (report.torchNote !== null) out.push(`PyTorch ${report.torchNote}`);
  const rows = peerRows(report);
  out.push(
    table(
      ['peer', 'epoch s', 'images/s', 'its train loss'],
      rows.map(([name, p]) => {
        const e = warmEpoch(p.epochs);
        return [
          name,
          e.seconds.toFixed(2),
          Math.round(e.images / e.seconds).toLocaleString('en-US'),
          e.trainLoss.toFixed(3),
        ];
      }),
    ),
  );
  out.push('\nLeNet step (zeroGrad, forward, loss, backward, SGD step, loss read), ms by batch');
  out.push(
    table(
      ['peer', ...STEP_BATCHES.map((b) => `b${b}`)],
      rows.map(([name, p]) => [name, ...STEP_BATCHES.map((b) => stepMs(p, b)?.toFixed(2) ?? '—')]),
    ),
  );
  if (report.torch !== null) {
    out.push('\nRatios, PyTorch time / Fovea time (>= 1x: Fovea at least as fast)');
    out.push(
      table(
        ['threads', 'epoch', ...STEP_BATCHES.map((b) => `step b${b}`)],
        [1, 2].map((threads) => [
          String(threads),
          formatRatio(
            speedRatio(report, threads, (p) =>
              p.epochs.length === 0 ? undefined : warmEpoch(p.epochs).seconds,
            ),
          ),
          ...STEP_BATCHES.map((b) => formatRatio(speedRatio(report, threads, (p) => stepMs(p, b)))),
        ]),
      ),
    );
  }
  const one = report.fovea.find((p) => p.threads === 1);
  if (one !== undefined && one.epochs.length > 1) {
    out.push(
      `\nFovea RSS after each of ${one.epochs.length} epochs, 1 thread (MB): ${one.epochs.map((e) => e.rssMB.toFixed(0)).join(' ')}; epoch s: ${one.epochs.map((e) => e.seconds.toFixed(1)).join(' ')}`,
    );
    if (one.epochs.every((e) => e.liveMB !== undefined)) {
      out.push(
        `Fovea live memory (heap and ArrayBuffers after a full GC) after each epoch (MB): ${one.epochs.map((e) => e.liveMB!.toFixed(0)).join(' ')}`,
      );
    }
  }
  return out.join('\n');
}

/** Issue 16's targets: the epoch and every step from batch 16 on at least PyTorch's speed; RSS flat. */
export function lenetTargets(report: LenetReport): Target[] {
  const out: Target[] = [];
  for (const threads of [1, 2]) {
    const r = speedRatio(report, threads, (p) =>
      p.epochs.length === 0 ? undefined : warmEpoch(p.epochs).seconds,
    );
    out.push({
      name: `LeNet epoch on Fashion-MNIST >= PyTorch CPU (${threads} thread${threads > 1 ? 's' : ''})`,
      value: report.torch === null ? 'PyTorch missing' : formatRatio(r),
      met: r === null ? null : r >= 1,
    });
  }
  const batches = STEP_BATCHES.filter((b) => b >= 16);
  for (const threads of [1, 2]) {
    const values = batches.map((b) => [b, speedRatio(report, threads, (p) => stepMs(p, b))] as const);
    out.push({
      name: `LeNet step b16-b1024 >= PyTorch CPU (${threads} thread${threads > 1 ? 's' : ''})`,
      value:
        report.torch === null
          ? 'PyTorch missing'
          : values.map(([b, v]) => `b${b} ${formatRatio(v)}`).join(', '),
      met: values.some(([, v]) => v === null) ? null : values.every(([, v]) => (v ?? 0) >= 1),
    });
  }
  for (const threads of [1, 2]) {
    const v = speedRatio(report, threads, (p) => stepMs(p, 1));
    out.push({
      name: `LeNet step b1 within 1.5x of PyTorch CPU (${threads} thread${threads > 1 ? 's' : ''})`,
      value: report.torch === null ? 'PyTorch missing' : `b1 ${formatRatio(v)}`,
      met: v === null ? null : v >= 1 / 1.5,
    });
  }
  const epochs = report.fovea.find((p) => p.threads === 1)?.epochs ?? [];
  const memory = (what: string, of: 'rssMB' | 'liveMB', missing: string) => {
    const m = memoryGrowth(report, of);
    const span = (e: readonly [number, number]) => (e[0] === e[1] ? `${e[0]}` : `${e[0]}-${e[1]}`);
    out.push({
      name: `LeNet ${what} flat over ${epochs.length} epochs (within 10%)`,
      value:
        m === null
          ? missing
          : `${m.from.toFixed(0)} MB (epochs ${span(m.fromEpochs)}) -> ${m.to.toFixed(0)} MB (epochs ${span(m.toEpochs)}), ${(100 * m.growth).toFixed(1)}%; epoch 1 ${epochs[0][of]!.toFixed(0)} MB`,
      met: m === null ? null : Math.abs(m.growth) <= 0.1,
    });
  };
  memory('RSS', 'rssMB', 'needs 4 epochs or more');
  memory('live memory', 'liveMB', 'needs 4 epochs or more, and --expose-gc');
  return out;
}
