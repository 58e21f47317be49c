import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The WebAssembly SIMD ceiling: what f32x4 arithmetic reaches with no memory traffic, from two
 * loops compiled from packages/tensor/assembly/bench/ceiling.ts (benchmark-only code, kept out of
 * the shipped binary): `ceiling`, 12 independent multiply-add chains
 * (WebAssembly has no fused multiply-add without relaxed SIMD), and `microKernelLoop`, the GEMM's
 * 4 x 8 micro-kernel on panels resident in L1. The ceiling is the faster of the two; with two
 * threads both loops run at once, one per thread.
 */

interface Exports {
  ceiling(iterations: number): number;
  microKernelLoop(iterations: number, kc: number, a: number, b: number, c: number): void;
}

const KC = 256;

function instantiate(bytes: Uint8Array<ArrayBuffer>): Exports {
  const memory = new WebAssembly.Memory({ initial: 8 });
  const f32 = new Float32Array(memory.buffer);
  for (let i = 0; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  return instance.exports as unknown as Exports;
}

const tensorDir = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../packages/tensor');

/** Compiles the benchmark loops (and the GEMM micro-kernel they import) with the package's asc. */
async function compileLoops(): Promise<Uint8Array<ArrayBuffer>> {
  // The package's own compiler (a devDependency of @fovea/tensor, linked into its node_modules).
  const asc = await import(
    pathToFileURL(path.join(tensorDir, 'node_modules/assemblyscript/dist/asc.js')).href
  );
  let binary: Uint8Array | null = null;
  const source = path.join(tensorDir, 'assembly', 'bench', 'ceiling.ts');
  const { error, stderr } = await asc.main(
    [source, '--outFile', 'ceiling.wasm', '-O3', '--runtime', 'stub', '--noAssert', '--importMemory'].concat([
      '--enable',
      'simd',
    ]),
    {
      writeFile: (name: string, contents: Uint8Array) => {
        if (name.endsWith('.wasm')) binary = contents;
      },
    },
  );
  if (error || binary === null) throw new Error(`asc failed on ${source}: ${error?.message}\n${stderr}`);
  return new Uint8Array(binary);
}

/** GFLOP/s of each loop on this thread (best of `reps` runs of about `ms` each). */
export function measureLoops(e: Exports, ms: number, reps: number): { chains: number; microKernel: number } {
  const best = (run: (n: number) => void, flopsPerIteration: number, iterations: number) => {
    run(iterations);
    let rate = 0;
    let n = iterations;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      run(n);
      const dt = performance.now() - t0;
      rate = Math.max(rate, (n * flopsPerIteration) / dt / 1e6);
      n = Math.max(1, Math.round((n * ms) / Math.max(dt, 1e-3)));
    }
    return rate;
  };
  const chains = best((n) => e.ceiling(n), 96, 100_000);
  const microKernel = best(
    (n) => e.microKernelLoop(n, KC, 65536, 65536 + 16 * KC, 65536 + 64 * KC),
    64 * KC,
    200,
  );
  return { chains, microKernel };
}

export interface Ceiling {
  /** GFLOP/s, one thread: the multiply-add chains, the micro-kernel, and the larger of the two. */
  readonly chains: number;
  readonly microKernel: number;
  readonly oneThread: number;
  /** GFLOP/s of both loops on two threads at once (sum over threads), if workers are available. */
  readonly twoThreads: number | null;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const memory = new WebAssembly.Memory({ initial: 8 });
const f32 = new Float32Array(memory.buffer);
for (let i = 0; i < f32.length; i++) f32[i] = ((i * 7919) % 1000) / 1000;
const e = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes), { env: { memory } }).exports;
parentPort.on('message', ({ kind, n }) => {
  const t0 = performance.now();
  if (kind === 'chains') e.ceiling(n);
  else e.microKernelLoop(n, ${KC}, 65536, 65536 + ${16 * KC}, 65536 + ${64 * KC});
  parentPort.postMessage(performance.now() - t0);
});
`;

async function twoThreads(
  e: Exports,
  bytes: Uint8Array<ArrayBuffer>,
  ms: number,
  reps: number,
): Promise<number | null> {
  let workerThreads: typeof import('node:worker_threads');
  try {
    workerThreads = await import('node:worker_threads');
  } catch {
    return null;
  }
  const worker = new workerThreads.Worker(WORKER, { eval: true, workerData: { bytes } });
  const ask = (kind: string, n: number) =>
    new Promise<number>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage({ kind, n });
    });
  try {
    let best = 0;
    for (const kind of ['chains', 'microKernel'] as const) {
      const perIteration = kind === 'chains' ? 96 : 64 * KC;
      const run = (n: number) =>
        kind === 'chains' ? e.ceiling(n) : e.microKernelLoop(n, KC, 65536, 65536 + 16 * KC, 65536 + 64 * KC);
      // Calibrate n to about `ms` on this thread, then run both threads at once.
      let n = kind === 'chains' ? 100_000 : 200;
      await ask(kind, n);
      run(n);
      const t0 = performance.now();
      run(n);
      n = Math.max(1, Math.round((n * ms) / Math.max(performance.now() - t0, 1e-3)));
      for (let r = 0; r < reps; r++) {
        const other = ask(kind, n);
        const start = performance.now();
        run(n);
        const mine = performance.now() - start;
        const theirs = await other;
        best = Math.max(best, (n * perIteration) / mine / 1e6 + (n * perIteration) / theirs / 1e6);
      }
    }
    return best;
  } finally {
    await worker.terminate();
  }
}

export async function measureCeiling(quick: boolean): Promise<Ceiling> {
  const bytes = await compileLoops();
  const e = instantiate(bytes);
  const ms = quick ? 60 : 250;
  const reps = quick ? 5 : 9;
  const { chains, microKernel } = measureLoops(e, ms, reps);
  return {
    chains,
    microKernel,
    oneThread: Math.max(chains, microKernel),
    twoThreads: await twoThreads(e, bytes, ms, reps),
  };
}
