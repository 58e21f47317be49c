/**
 * PEERS.md's method: warm up, then the median of at least five timed repetitions; a repetition
 * repeats a fast call until it lasts `minRepMs`, and reports the time per call.
 */

export interface TimingOptions {
  readonly reps: number;
  readonly warmupMs: number;
  readonly minRepMs: number;
  /**
   * Time repetitions by the process's CPU time instead of the wall clock: on a machine other
   * processes load, a one-thread call's CPU time moves less. Summed over threads, so only for one.
   */
  readonly cpu?: boolean;
}

export interface Timing {
  /** Median time of one call. */
  readonly ms: number;
  readonly reps: number;
  /** Calls per repetition. */
  readonly inner: number;
  /** Time per call of each repetition. */
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

type Call = () => void | Promise<void>;

async function repeat(call: Call, count: number, isAsync: boolean, cpu = false): Promise<number> {
  const start = performance.now();
  const cpuStart = cpu ? process.cpuUsage() : null;
  if (isAsync) for (let i = 0; i < count; i++) await call();
  else for (let i = 0; i < count; i++) call();
  if (cpuStart === null) return performance.now() - start;
  const used = process.cpuUsage(cpuStart);
  return (used.user + used.system) / 1000;
}

export async function time(call: Call, options: TimingOptions): Promise<Timing> {
  const start = performance.now();
  const first = call();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  let last = performance.now() - start;
  while (performance.now() - start < options.warmupMs) last = await repeat(call, 1, isAsync);
  const inner = Math.max(1, Math.ceil(options.minRepMs / Math.max(last, 1e-4)));
  const samples: number[] = [];
  for (let r = 0; r < options.reps; r++)
    samples.push((await repeat(call, inner, isAsync, options.cpu)) / inner);
  return { ms: median(samples), reps: options.reps, inner, samples };
}
