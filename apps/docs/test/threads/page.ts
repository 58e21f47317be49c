// The page ../threads.test.ts opens, bundled for the browser. It runs conv2d, max pooling and
// matmul on the JavaScript reference, on one WebAssembly thread and on the thread pool, and
// reports how the results compare and how much of each pooled call the page's own thread ran.
import {
  type Backend,
  conv2d,
  getNumThreads,
  matmul,
  maxPool2d,
  setBackend,
  setNumThreads,
  type Tensor,
  tensor,
} from '@fovea/tensor';
import { threadPool, wasmRuntime } from '../../../../packages/tensor/src/kernels/backend.js';
import type { ThreadPool } from '../../../../packages/tensor/src/kernels/wasm/threads.js';

/** The worst element of `actual` against `expected`, by |a - e| / (1 + |e|). */
export interface Comparison {
  label: string;
  length: number;
  expectedLength: number;
  worst: number;
  at: number;
  actual: number;
  expected: number;
  /** Elements that differ from `expected` at all (Object.is). */
  different: number;
}

/** One call into the pool: its work items, and how many the page's own thread computed. */
export interface PooledCall {
  kernel: string;
  items: number;
  threads: number;
  pageItems: number;
}

export interface Report {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  backend: Backend;
  /** getNumThreads() after setNumThreads(threads). */
  threads: number;
  sharedMemory: boolean;
  /** Whether the relaxed-SIMD build loaded (its conv kernels fuse their multiply-adds). */
  relaxedSimd: boolean;
  /** Null where the backend has no pool (one thread). */
  workersReady: number | null;
  comparisons: Comparison[];
  /** The pooled calls each op made on `threads` threads, by op. */
  calls: Record<string, PooledCall[]>;
  /** Kernel calls the WebAssembly runtime made for the checks. */
  wasmCalls: number;
}

/** Deterministic values in [-1, 1) (mulberry32), as packages/tensor/test/wasm/setup.ts draws them. */
function randomTensor(seed: number, shape: number[]): Tensor {
  let s = seed >>> 0;
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return tensor(out).reshape(shape);
}

function compare(label: string, actual: Tensor, expected: Tensor): Comparison {
  const a = actual.dataSync();
  const e = expected.dataSync();
  const result = {
    label,
    length: a.length,
    expectedLength: e.length,
    worst: 0,
    at: -1,
    actual: 0,
    expected: 0,
    different: 0,
  };
  for (let i = 0; i < Math.min(a.length, e.length); i++) {
    if (!Object.is(a[i], e[i])) result.different++;
    const error = Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i]));
    // `!(error <= worst)` also catches NaN.
    if (!(error <= result.worst) || result.at < 0) {
      Object.assign(result, { worst: error, at: i, actual: a[i], expected: e[i] });
    }
  }
  return result;
}

// Each call is above limits.parallelFlops (2 MFLOP: the matmul is 16.8) or
// limits.parallelPoolElements (2^20 inputs), so it goes to the pool when there is one.
const x = randomTensor(1, [8, 16, 32, 32]);
const weight = randomTensor(2, [32, 16, 3, 3]);
const bias = randomTensor(3, [32]);
const image = randomTensor(4, [4, 16, 128, 128]);
const left = randomTensor(5, [256, 256]);
const right = randomTensor(6, [256, 128]);

const OPS: Record<string, () => Tensor> = {
  conv2d: () => conv2d(x, weight, bias, { padding: 1 }),
  maxPool2d: () => maxPool2d(image, 3, { stride: 2, padding: 1 }),
  matmul: () => matmul(left, right),
};

function runAll(): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(OPS).map(([name, op]) => [name, op()]));
}

/** Runs `f`, recording every call into `pool` and the items the page's thread ran of each. */
function observe<T>(pool: ThreadPool, f: () => T): { value: T; calls: PooledCall[] } {
  const rt = wasmRuntime()!;
  const calls: PooledCall[] = [];
  let current: PooledCall | null = null;
  const run = pool.run;
  const runItems = rt.runItems;
  pool.run = function (kernel, params, items, threads, scratchBytes) {
    current = { kernel, items, threads, pageItems: 0 };
    calls.push(current);
    try {
      run.call(this, kernel, params, items, threads, scratchBytes);
    } finally {
      current = null;
    }
  };
  rt.runItems = function (kernel, params, start, end, scratch) {
    if (current !== null) current.pageItems += end - start;
    runItems.call(this, kernel, params, start, end, scratch);
  };
  try {
    return { value: f(), calls };
  } finally {
    pool.run = run;
    rt.runItems = runItems;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * The checks of both pages: the reference first, then one WebAssembly thread, then the pool
 * for `threads` threads (on a page that is not cross-origin isolated there is none).
 */
async function check(threads: number): Promise<Report> {
  setBackend('js');
  const reference = runAll();
  const backend = setBackend('wasm');
  const rt = wasmRuntime()!;
  const callsBefore = rt.calls;
  setNumThreads(1);
  const single = runAll();
  const comparisons = Object.keys(OPS).map((name) =>
    compare(`${name}, 1 thread vs js`, single[name], reference[name]),
  );

  setNumThreads(threads);
  const pool = threadPool(rt);
  const calls: Record<string, PooledCall[]> = {};
  if (pool !== null) {
    // Web Workers start asynchronously: a call made now may run on fewer threads, but must
    // give the same values.
    const early = runAll();
    for (const name of Object.keys(OPS)) {
      comparisons.push(compare(`${name}, while workers start vs 1 thread`, early[name], single[name]));
    }
    await until(() => pool.ready === pool.workers, 5000);
  }
  const pooled: Record<string, Tensor> = {};
  for (const [name, op] of Object.entries(OPS)) {
    const { value, calls: observed } = pool === null ? { value: op(), calls: [] } : observe(pool, op);
    pooled[name] = value;
    calls[name] = observed;
  }
  for (const name of Object.keys(OPS)) {
    comparisons.push(compare(`${name}, ${threads} threads vs js`, pooled[name], reference[name]));
    comparisons.push(compare(`${name}, ${threads} threads vs 1 thread`, pooled[name], single[name]));
  }
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
    backend,
    threads: getNumThreads(),
    sharedMemory: rt.shared,
    relaxedSimd: rt.relaxedSimd,
    workersReady: pool?.ready ?? null,
    comparisons,
    calls,
    wasmCalls: rt.calls - callsBefore,
  };
}

export interface ThreadsFixture {
  check(threads: number): Promise<Report>;
}

(globalThis as { threadsFixture?: ThreadsFixture }).threadsFixture = { check };
