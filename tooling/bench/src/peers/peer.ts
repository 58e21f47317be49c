import type { Operands } from '../data.js';
import type { TimingOptions } from '../timing.js';
import type { Pass, Workload } from '../workloads.js';

/** One prepared call of a peer: a workload, a pass and a batch, inputs already in its layout. */
export interface Runner {
  /** One call with its result forced (read back), as PEERS.md requires. */
  run(): void | Promise<void>;
  /** The last result in Fovea's layout (y and gx NCHW, gw OIHW), read outside the timed region. */
  result(): Float32Array | Promise<Float32Array>;
  /** A peer in another process times itself by the same method (src/timing.ts), so no round trip is timed. */
  time?(options: TimingOptions): Promise<{ ms: number; inner: number }>;
  dispose(): void;
}

export interface Peer {
  readonly name: string;
  readonly threads: number;
  /** So slow on some workloads that the batch is reduced to fit the time budget ("n=..."). */
  readonly mayReduceBatch: boolean;
  supports(w: Workload, pass: Pass): boolean;
  prepare(w: Workload, pass: Pass, batch: number, data: Operands): Promise<Runner>;
}
