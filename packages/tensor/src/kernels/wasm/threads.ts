import { nodeBuiltin } from './node.js';
import { ITEM_KERNELS, type ItemKernel, type WasmRuntime } from './runtime.js';

/**
 * A pool of workers over the runtime's shared WebAssembly memory: `worker_threads` in Node, Web
 * Workers in a cross-origin isolated browser. A call cuts its work items into contiguous chunks,
 * a few per thread, that the calling thread and the workers take in turn from a shared counter
 * until none is left; the calling thread works from the start, so a worker that wakes late (tens
 * of microseconds, more on a busy machine) costs no idle wait. A worker that has not claimed the
 * call by the time every chunk is taken is cancelled rather than waited for. Each item is
 * computed by one thread the same way whichever chunk holds it, so the results do not depend on
 * the schedule. Workers sleep in `Atomics.wait` between calls and are unref'd, so they never
 * keep a process alive.
 *
 * Control block per worker (int32 words of a SharedArrayBuffer, a cache line apart): the call's
 * sequence number, the last one done, the kernel, its parameters and scratch, the item and chunk
 * counts, a ready flag, a status, a dead flag and the claim word (the sequence number of a call
 * posted and not yet claimed or cancelled). The shared chunk counter follows the last block.
 *
 * A worker that dies (exits, fails, or stops answering) while the call waits for it makes the
 * call fail with an error that says so; one that dies between calls, or claims no call for the
 * stall time, is seen to be gone without a failed call (the calling thread runs its chunks).
 * Either way the pool is then `broken` and backend.ts starts a new one for the next call.
 */

const STRIDE = 16;
const SEQ = 0;
const DONE = 1;
const KERNEL = 2;
const PARAMS = 3;
const ITEMS = 4;
const CHUNKS = 5;
const SCRATCH = 6;
const READY = 7;
const STATUS = 8;
/** Set to 1 when the worker is gone (it exited, or failed to start or to run). */
const DEAD = 9;
/** The posted call's sequence number until the worker claims it or the caller cancels it (then 0). */
const CLAIM = 10;

/**
 * Chunks per thread of a call: more let the threads even out late starts and uneven speed,
 * fewer repeat less of the per-chunk setup (kernels pack their weights once per chunk).
 */
const CHUNKS_PER_THREAD = 4;

/**
 * How long the calling thread waits for a worker that has neither answered nor been seen to die
 * before it declares it stopped (a worker killed from outside, as an out-of-memory kill, runs no
 * code that could say so): at least this many milliseconds, and at least
 * `STALL_FACTOR` times what the calling thread took for its own, equal share.
 */
export const STALL_MS = 10_000;
const STALL_FACTOR = 50;

/**
 * Milliseconds the calling thread polls for a worker to finish before it sleeps in
 * `Atomics.wait`: waking a sleeping thread costs tens of microseconds (two-thread forward of
 * LeNet's second convolution: 1.95 ms with an immediate sleep, 1.85 ms with this). Workers
 * themselves sleep as soon as they are done: while another thread of the process runs, first
 * touches of fresh memory on this one cost about three times as much, and with workers polling
 * between calls a LeNet training step on two threads took 32.5 ms instead of 22.7 ms.
 */
const SPIN_MS = 0.5;

/** The worker, as a script: plain JavaScript, run by `new Worker(code, {eval: true})` or a Blob URL. */
const WORKER_SOURCE = `
'use strict';
const STRIDE = ${STRIDE}, SEQ = ${SEQ}, DONE = ${DONE}, KERNEL = ${KERNEL}, PARAMS = ${PARAMS},
  ITEMS = ${ITEMS}, CHUNKS = ${CHUNKS}, SCRATCH = ${SCRATCH}, READY = ${READY}, STATUS = ${STATUS},
  DEAD = ${DEAD}, CLAIM = ${CLAIM};
function serve(data) {
  const { module, memory, control, index, kernels, next } = data;
  if (typeof process === 'object' && typeof process.on === 'function') {
    // An exit (process.exit, a fatal error) wakes the caller instead of leaving it waiting.
    process.on('exit', () => {
      Atomics.store(control, index * STRIDE + DEAD, 1);
      Atomics.notify(control, index * STRIDE + DONE);
    });
  }
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const run = kernels.map((name) => instance.exports[name]);
  const base = index * STRIDE;
  Atomics.store(control, base + READY, 1);
  Atomics.notify(control, base + READY);
  let seq = 0;
  for (;;) {
    Atomics.wait(control, base + SEQ, seq);
    seq = Atomics.load(control, base + SEQ);
    // A call the caller cancelled (it ran every chunk itself) is skipped without an answer.
    if (Atomics.compareExchange(control, base + CLAIM, seq, 0) !== seq) continue;
    let status = 0;
    const kernel = run[control[base + KERNEL]], params = control[base + PARAMS];
    const items = control[base + ITEMS], chunks = control[base + CHUNKS], scratch = control[base + SCRATCH];
    try {
      for (let c = Atomics.add(control, next, 1); c < chunks; c = Atomics.add(control, next, 1)) {
        kernel(params, Math.floor((items * c) / chunks), Math.floor((items * (c + 1)) / chunks), scratch);
      }
    } catch (error) {
      status = 1;
    }
    control[base + STATUS] = status;
    Atomics.store(control, base + DONE, seq);
    Atomics.notify(control, base + DONE);
  }
}
if (typeof require === 'function') serve(require('node:worker_threads').workerData);
else self.onmessage = (event) => serve(event.data);
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (value: unknown) => void): void;
}

interface NodeWorkerThreads {
  Worker: new (code: string, options: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
}

/** Node's `worker_threads` (null in browsers). */
function nodeWorkerThreads(): NodeWorkerThreads | null {
  return nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
}

interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  Worker?: new (url: string) => { postMessage(data: unknown): void; terminate(): void };
  Blob?: typeof Blob;
  URL?: typeof URL;
  document?: unknown;
}

function browserWorkers(): BrowserGlobals | null {
  const g = globalThis as BrowserGlobals;
  if (g.crossOriginIsolated !== true || typeof g.Worker !== 'function' || typeof g.Blob !== 'function')
    return null;
  return g;
}

/** Whether workers over a shared memory are possible here. */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  return nodeWorkerThreads() !== null || browserWorkers() !== null;
}

/** Cores available: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in browsers. */
export function availableCores(): number {
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus(): unknown[] }>('node:os');
  if (os !== null) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** The main thread of a browser page may not block in `Atomics.wait`; it spins instead. */
function mayBlock(): boolean {
  const g = globalThis as BrowserGlobals;
  return g.document === undefined;
}

export class ThreadPool {
  private readonly control: Int32Array;
  private readonly stop: Array<() => void> = [];
  private readonly seq: number[];
  private readonly block = mayBlock();
  private readonly kill: Array<() => void> = [];
  private stallMs = STALL_MS;
  /** Per worker: when the first of the calls it has not claimed since its last claim began. */
  private readonly unclaimedSince: Array<number | undefined> = [];
  /** Index of the shared chunk counter in `control`. */
  private readonly next: number;
  /** A worker died or stopped answering during a call: this pool must not be used again. */
  broken = false;

  /** Starts `workers` workers; in Node, waits (up to two seconds) until they are ready. */
  constructor(
    private readonly runtime: WasmRuntime,
    readonly workers: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(4 * STRIDE * (workers + 1)));
    this.seq = new Array<number>(workers).fill(0);
    this.next = STRIDE * workers;
    const node = nodeWorkerThreads();
    const browser = node === null ? browserWorkers() : null;
    // One Blob URL serves every Web Worker of the pool; it is revoked when the pool stops.
    const url =
      browser === null
        ? null
        : browser.URL!.createObjectURL(new browser.Blob!([WORKER_SOURCE], { type: 'text/javascript' }));
    if (browser !== null && url !== null) this.stop.push(() => browser.URL!.revokeObjectURL(url));
    for (let index = 0; index < workers; index++) {
      const data = {
        module: runtime.module,
        memory: runtime.memory,
        control: this.control,
        index,
        kernels: [...ITEM_KERNELS],
        next: this.next,
      };
      if (node !== null) {
        const worker = new node.Worker(WORKER_SOURCE, {
          eval: true,
          workerData: data,
          name: `fovea-${index}`,
        });
        worker.unref();
        const gone = () => {
          Atomics.store(this.control, index * STRIDE + READY, 0);
          Atomics.store(this.control, index * STRIDE + DEAD, 1);
        };
        worker.on('error', gone);
        worker.on('exit', gone);
        this.stop.push(() => void worker.terminate());
        this.kill.push(() => void worker.terminate());
      } else if (browser !== null && url !== null) {
        const worker = new browser.Worker!(url);
        worker.postMessage(data);
        this.stop.push(() => worker.terminate());
        this.kill.push(() => worker.terminate());
      }
    }
    if (node !== null && this.block) {
      const deadline = Date.now() + 2000;
      for (let index = 0; index < workers; index++) {
        const at = index * STRIDE + READY;
        while (Atomics.load(this.control, at) === 0 && Date.now() < deadline) {
          Atomics.wait(this.control, at, 0, Math.max(1, deadline - Date.now()));
        }
      }
    }
  }

  /** Whether a worker of this pool has died (between calls or during one). */
  get dead(): boolean {
    if (this.broken) return true;
    for (let index = 0; index < this.workers; index++) {
      if (Atomics.load(this.control, index * STRIDE + DEAD) === 1) return true;
    }
    return false;
  }

  /**
   * For tests: stops worker `index` abruptly, as an out-of-memory kill would (no code of the
   * worker runs), and shortens the wait before a silent worker counts as stopped.
   */
  killWorkerForTesting(index: number, stallMs: number): void {
    this.kill[index]?.();
    this.stallMs = stallMs;
  }

  /** Workers that have started and can take work now. */
  get ready(): number {
    let n = 0;
    while (n < this.workers && Atomics.load(this.control, n * STRIDE + READY) === 1) n++;
    return n;
  }

  /**
   * Runs items [0, items) of `kernel` on up to `threads` threads (this one included), each with
   * `scratchBytes` of its own scratch memory, in contiguous chunks taken in turn.
   */
  run(kernel: ItemKernel, params: number, items: number, threads: number, scratchBytes: number): void {
    const runtime = this.runtime;
    const count = Math.max(1, Math.min(threads, items, this.ready + 1));
    const chunks = Math.min(items, count * CHUNKS_PER_THREAD);
    const scratch: number[] = [];
    for (let t = 0; t < count; t++) scratch.push(runtime.alloc(scratchBytes));
    const kernelIndex = ITEM_KERNELS.indexOf(kernel);
    const control = this.control;
    Atomics.store(control, this.next, 0);
    for (let t = 1; t < count; t++) {
      const base = (t - 1) * STRIDE;
      control[base + KERNEL] = kernelIndex;
      control[base + PARAMS] = params;
      control[base + ITEMS] = items;
      control[base + CHUNKS] = chunks;
      control[base + SCRATCH] = scratch[t];
      control[base + STATUS] = 0;
      const seq = ++this.seq[t - 1];
      Atomics.store(control, base + CLAIM, seq);
      Atomics.store(control, base + SEQ, seq);
      Atomics.notify(control, base + SEQ);
    }
    let failure: unknown = null;
    const started = performance.now();
    try {
      for (let c = Atomics.add(control, this.next, 1); c < chunks; c = Atomics.add(control, this.next, 1)) {
        const start = Math.floor((items * c) / chunks);
        runtime.runItems(kernel, params, start, Math.floor((items * (c + 1)) / chunks), scratch[0]);
      }
    } catch (error) {
      failure = error;
      // The workers still take the chunks left; a failed call is not retried.
    }
    const deadline = performance.now() + Math.max(this.stallMs, STALL_FACTOR * (performance.now() - started));
    let silent = false;
    for (let t = 1; t < count; t++) {
      const base = (t - 1) * STRIDE;
      const seq = this.seq[t - 1];
      if (Atomics.compareExchange(control, base + CLAIM, seq, 0) === seq) {
        // Not claimed yet: it would find no chunk left, so it is not waited for. A worker that
        // has claimed no call for the stall time has stopped without a word (killed from
        // outside): the pool is retired after this call, and the next call starts a new one.
        this.unclaimedSince[t - 1] ??= started;
        silent ||=
          Atomics.load(control, base + DEAD) === 1 ||
          performance.now() - this.unclaimedSince[t - 1]! > this.stallMs;
        continue;
      }
      this.unclaimedSince[t - 1] = undefined;
      const spinUntil = performance.now() + SPIN_MS;
      for (;;) {
        const done = Atomics.load(control, base + DONE);
        if (done === seq) break;
        const dead = Atomics.load(control, base + DEAD) === 1;
        if (dead || performance.now() > deadline) {
          this.retire();
          const what = dead ? 'died' : `stopped answering (nothing for ${Math.round(deadline - started)} ms)`;
          throw new Error(
            `${kernel}: WebAssembly worker thread ${t - 1} ${what} during the call; the thread pool is restarted for the next call`,
          );
        }
        if (this.block && performance.now() > spinUntil) Atomics.wait(control, base + DONE, done, 50);
      }
      if (control[base + STATUS] !== 0 && failure === null) {
        failure = new Error(`fovea wasm: kernel ${kernel} failed in worker ${t - 1}`);
      }
    }
    if (silent) this.retire();
    if (failure !== null) throw failure;
  }

  /** Stops every worker (the others may still write into the module's memory); `dead` from now on. */
  private retire(): void {
    this.broken = true;
    this.terminate();
  }

  /** Stops every worker (setNumThreads replaces the pool). */
  terminate(): void {
    for (const stop of this.stop) stop();
    this.stop.length = 0;
    this.kill.length = 0;
  }
}
