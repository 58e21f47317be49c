import { environmentFlag } from './node.js';

/**
 * Sizes below which work stays in JavaScript or on one thread. Mutable so tests can force the
 * WebAssembly path on tiny inputs and the pool on small ones.
 */
export const limits = {
  /**
   * A conv or GEMM below this many flops stays in JavaScript: copying in and out of WebAssembly
   * memory costs a few microseconds, more than a tiny kernel (the chapter's 6 x 8 convolution
   * is 168 flops).
   */
  minFlops: 16_384,
  /** Elementwise ops below this many elements stay in JavaScript. */
  minElementwise: 4096,
  /**
   * Activations below this many elements stay in JavaScript: the reference's float32 exp, one
   * `Math.fround` per operation, costs about 40 ns an element, the call into WebAssembly about
   * a microsecond.
   */
  minActivation: 64,
  /** Pooling below this many input elements stays in JavaScript. */
  minPoolElements: 4096,
  /**
   * Below this many flops a call stays on one thread. Handing a call to the pool costs the
   * calling thread 75-170 us besides its share of the arithmetic, measured in LeNet's step:
   * `Atomics.notify` 20-50 us (milliseconds when other processes hold both cores: the wake-up
   * lets the scheduler take the core), the worker's wake 15-45 us, the wait for its last chunk
   * 15-45 us, and about 25 us more after the call (likely reading back what the other core
   * wrote). LeNet's second convolution at batch 16 (7.7 Mflop a call) still gains: the 2-thread
   * step with this limit against 12 Mflop (which keeps those calls on one thread), alternating
   * rounds on a quiet machine (tooling/bench/src/lenet/parallel-flops-ab.ts): 2.33 against
   * 2.42 ms at batch 16; 6.92 against 6.95 at 64 and 29.46 against 29.39 at 256, even.
   */
  parallelFlops: 2_000_000,
  /**
   * Below this many flops per output element a call stays on one thread (see `threadsFor`): a
   * 3 x 3 depthwise layer (18) ran slower on two threads than on one; LeNet's second convolution
   * (300) and ResNet's 3 x 3 layers (over 1,000) gain 1.8x. LeNet's first convolution (50) gains
   * since its result stays in WebAssembly memory for the sigmoid and the graph no longer keeps
   * activations into the next step: the 2-thread step at batch 256 in alternating rounds
   * (parallel-flops-ab.ts), 24.1 ms against 25.9 with 128 here; at 64 and 16, even.
   */
  parallelFlopsPerOutput: 40,
  /**
   * Max pooling is memory-bound: threads pay off only for inputs this large. Average pooling
   * splits from this size only when its input is held in WebAssembly memory (wasm/pool2d.ts says
   * why): LeNet's step at batch 256 on 2 threads, alternating rounds (parallel-flops-ab.ts), 27.9
   * against 29.6 ms without the split; 2^18 measured even at batch 64.
   */
  parallelPoolElements: 1 << 20,
  /**
   * An activation of this many elements whose input the memory still holds (resident-ring.ts)
   * is split over the threads. LeNet's step on 2 threads, alternating rounds: 28.3 against
   * 29.7 ms without the split at batch 256, 6.72 against 6.99 at 64; 65,536 measured even at
   * batches 64 and 16.
   */
  parallelActivationElements: 1 << 18,
  /**
   * Bytes of WebAssembly memory, at most, that keep recent results and inputs for the kernels
   * that read them next (resident-ring.ts), read when the module is instantiated; the ring
   * starts at 8 MB and grows as far as a workload's results need to stay until they are read
   * again (inputs never grow it). LeNet's step makes about 29 MB of results at batch 256 and
   * 116 MB at 1024, where a 64 MB ring ran the 2-thread step in 106 ms against 115 with 32 MB.
   */
  residentBytes: 128 << 20,
  /**
   * Compares every kept result with its host array before a kernel reads it, and throws on a
   * difference (a write that skipped `Storage.markWritten`). The test suites turn it on through
   * the environment variable FOVEA_CHECK_RESIDENT=1 (vitest.config.ts), child processes included.
   */
  checkResident: environmentFlag('FOVEA_CHECK_RESIDENT'),
};
