/**
 * Every Fovea workload of `pnpm bench` on two checkouts of the repository in one process, timed
 * alternately: the conv passes W1-W6 (forward, dX, dW) on 1 and 2 threads, the chapter's
 * corr2d and conv2d through the public API, and the LeNet training step (batch 64) on 1 and 2
 * threads. The machine's speed swings 2-3x between processes under load, so the two trees are
 * never compared across processes: each round takes, for every workload in turn, alternating
 * samples of the two trees (each sample ~20 ms of calls, at least one), and the table gives the
 * ratio of the medians of all samples and of the best samples, in wall time and in the process's
 * CPU time (which another process's load disturbs far less).
 *
 *   pnpm --filter @fovea/bench exec tsx --conditions=@fovea/source --expose-gc \
 *     src/ab/trees.ts OLD_ROOT NEW_ROOT [--rounds 9] [--only W3,train]
 *
 * `--only` takes workload names (W1-W6), `chapter` (the chapter's calls, also run with W1) and
 * `train` (the LeNet step).
 *
 * Each root must be a checkout with its dependencies installed (`pnpm install`); the bench
 * sources of each tree are loaded from that tree, so each runs its own `@fovea/tensor`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { check } from '../check.js';
import { operands } from '../data.js';
import type { Peer, Runner } from '../peers/peer.js';
import { median } from '../timing.js';
import { PASSES, WORKLOADS } from '../workloads.js';

interface TensorModule {
  setNumThreads(n: number): void;
  ones(shape: number[]): { slice(...s: string[]): { fill_(v: number): void }; reshape(s: number[]): unknown };
  tensor(data: number[][]): { reshape(s: number[]): unknown };
  corr2d(x: unknown, k: unknown): { dataSync(): unknown };
  conv2d(x: unknown, k: unknown): { dataSync(): unknown };
}

interface Tree {
  readonly root: string;
  readonly tensor: TensorModule;
  readonly foveaPeer: (threads: number) => Peer;
  readonly foveaTrainer: (batch: number) => { step(): number };
}

interface Item {
  readonly name: string;
  /** One call per tree, same order as `trees`. */
  readonly calls: Array<() => void | Promise<void>>;
  /** Whether both trees' first results were the same bits (conv passes and the step's loss). */
  readonly sameBits: boolean | null;
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const roots = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (roots.length !== 2) throw new Error('trees: give two repository roots, OLD_ROOT NEW_ROOT');
const rounds = Number(option('--rounds') ?? 9);
if (!Number.isInteger(rounds) || rounds < 1) {
  throw new Error(`trees: --rounds must be a positive integer, got '${option('--rounds')}'`);
}
const only = option('--only')?.split(',') ?? null;
/** Pairs of samples per workload per round, and the length a sample aims for. */
const PAIRS = 6;
const SAMPLE_MS = 20;

async function load(root: string): Promise<Tree> {
  const at = (file: string) => import(pathToFileURL(path.resolve(root, file)).href);
  const tensor = (await at('packages/tensor/src/index.ts')) as TensorModule;
  const { foveaPeer } = await at('tooling/bench/src/peers/fovea.ts');
  const { foveaTrainer } = await at('tooling/bench/src/training.ts');
  return { root, tensor, foveaPeer, foveaTrainer };
}

async function convItems(trees: Tree[]): Promise<Item[]> {
  const items: Item[] = [];
  for (const w of WORKLOADS.filter((w) => only === null || only.includes(w.name))) {
    const data = operands(w);
    for (const pass of PASSES) {
      for (const threads of [1, 2]) {
        const runners: Runner[] = [];
        const results: Uint8Array[] = [];
        for (const tree of trees) {
          const runner = await tree.foveaPeer(threads).prepare(w, pass, w.x[0], data);
          await runner.run();
          const result = check(w, pass, w.x[0], data, await runner.result());
          if (!result.ok) throw new Error(`${tree.root} ${w.name} ${pass}: ${result.message}`);
          runners.push(runner);
          const out = (await runner.result()) as Float32Array;
          results.push(new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice());
        }
        items.push({
          name: `${w.name} ${pass} t${threads}`,
          calls: runners.map((r) => () => r.run()),
          sameBits: Buffer.from(results[0]).equals(Buffer.from(results[1])),
        });
      }
    }
  }
  return items;
}

function chapterItems(trees: Tree[]): Item[] {
  if (only !== null && !only.includes('W1') && !only.includes('chapter')) return [];
  const ops = trees.map(({ tensor: t }) => {
    const img = t.ones([6, 8]);
    img.slice(':', '2:6').fill_(0);
    const edge = t.tensor([[1, -1]]);
    const img4 = img.reshape([1, 1, 6, 8]);
    const edge4 = edge.reshape([1, 1, 1, 2]);
    return {
      corr2d: () => {
        t.setNumThreads(1);
        t.corr2d(img, edge).dataSync();
      },
      conv2d: () => {
        t.setNumThreads(1);
        t.conv2d(img4, edge4).dataSync();
      },
    };
  });
  return [
    { name: 'chapter corr2d + dataSync', calls: ops.map((o) => o.corr2d), sameBits: null },
    { name: 'chapter conv2d + dataSync', calls: ops.map((o) => o.conv2d), sameBits: null },
  ];
}

function trainingItems(trees: Tree[]): Item[] {
  if (only !== null && !only.includes('train')) return [];
  return [1, 2].map((threads) => {
    const losses: number[] = [];
    const calls = trees.map((tree) => {
      const trainer = tree.foveaTrainer(64);
      tree.tensor.setNumThreads(threads);
      losses.push(trainer.step());
      return () => {
        tree.tensor.setNumThreads(threads);
        trainer.step();
      };
    });
    return { name: `LeNet step, batch 64, t${threads}`, calls, sameBits: Object.is(losses[0], losses[1]) };
  });
}

function format(ms: number): string {
  return ms >= 1 ? ms.toFixed(2) : ms.toFixed(4);
}

type Call = () => void | Promise<void>;

/** Calls of `call` per sample so that a sample lasts about `SAMPLE_MS`. */
async function callsPerSample(call: Call): Promise<number> {
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < SAMPLE_MS) {
    await call();
    calls++;
  }
  return calls;
}

/**
 * Wall ms and CPU ms (the process's user + system time, worker threads included) per call over
 * `calls` calls. Under load, CPU time counts only this process's work, so it swings far less.
 */
async function sample(call: Call, calls: number): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await call();
  const wall = (performance.now() - start) / calls;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000 / calls];
}

/**
 * The spread of the rounds: each round's ratio of medians (new/old), as its first and third
 * quartiles over the rounds. A ratio whose quartiles straddle 1 is noise, not a change.
 */
function roundSpread(old: readonly number[], now: readonly number[]): string {
  const ratios: number[] = [];
  for (let r = 0; r + PAIRS <= old.length; r += PAIRS) {
    ratios.push(median(now.slice(r, r + PAIRS)) / median(old.slice(r, r + PAIRS)));
  }
  ratios.sort((a, b) => a - b);
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))].toFixed(3);
  return `${at(0.25)}-${at(0.75)}`;
}

async function main(): Promise<void> {
  const trees = [await load(roots[0]), await load(roots[1])];
  const items = [...chapterItems(trees), ...(await convItems(trees)), ...trainingItems(trees)];
  const wall = items.map(() => [[] as number[], [] as number[]]);
  const cpu = items.map(() => [[] as number[], [] as number[]]);
  for (const item of items)
    for (const call of item.calls) for (let k = 0; k < 10; k++) await callsPerSample(call);
  for (let round = 0; round < rounds; round++) {
    for (const [i, item] of items.entries()) {
      // Warm both, then alternate samples of the two trees (ABBAAB...), so a swing of the
      // machine's load falls on both alike.
      const calls = Math.min(await callsPerSample(item.calls[0]), await callsPerSample(item.calls[1]));
      for (let s = 0; s < PAIRS; s++) {
        const order = (s + round) % 2 === 0 ? [0, 1] : [1, 0];
        for (const k of order) {
          const [w, c] = await sample(item.calls[k], calls);
          wall[i][k].push(w);
          cpu[i][k].push(c);
        }
      }
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  console.log(`old: ${roots[0]}\nnew: ${roots[1]}`);
  console.log(
    `${rounds} rounds of ${PAIRS} alternating pairs of samples (~${SAMPLE_MS} ms each) per workload\n`,
  );
  console.log(
    '| workload | old ms | new ms | new/old wall, medians | new/old wall, best | old CPU ms | new CPU ms | new/old CPU, medians | new/old CPU, rounds (quartiles) | same bits |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [i, item] of items.entries()) {
    const [wallOld, wallNew] = wall[i];
    const [cpuOld, cpuNew] = cpu[i];
    const same = item.sameBits === null ? '' : item.sameBits ? 'yes' : 'no';
    const ratio = (a: number, b: number) => (b / a).toFixed(3);
    console.log(
      `| ${item.name} | ${format(median(wallOld))} | ${format(median(wallNew))} | ` +
        `${ratio(median(wallOld), median(wallNew))} | ${ratio(Math.min(...wallOld), Math.min(...wallNew))} | ` +
        `${format(median(cpuOld))} | ${format(median(cpuNew))} | ${ratio(median(cpuOld), median(cpuNew))} | ` +
        `${roundSpread(cpuOld, cpuNew)} | ${same} |`,
    );
  }
  process.exit(0);
}

await main();
