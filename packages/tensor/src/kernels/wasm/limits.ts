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
   * Below this many flops a call stays on one thread. A call handed to the pool costs about
   * 150-200 us more than its share of the arithmetic (waking the worker, 25-60 us; waiting for
   * its last chunk; first touches of fresh memory that cost more while the worker runs), so it
   * gains only when half its one-thread time (about 30 flops a nanosecond here) exceeds that.
   * LeNet's second convolution at batch 16 (7.7 Mflop a call) made the 2-thread training step
   * slower than the 1-thread one (2.6 against 2.3 ms) when it went to the pool; at batch 64
   * (31 Mflop) the pool gains 1.6 ms a step.
   */
  parallelFlops: 12_000_000,
  /**
   * Below this many flops per output element a call stays on one thread (see `threadsFor`):
   * LeNet's first convolution (50) and a 3 x 3 depthwise layer (18) ran slower on two threads
   * than on one; its second convolution (300) and ResNet's 3 x 3 layers (over 1,000) gain 1.8x.
   */
  parallelFlopsPerOutput: 128,
  /**
   * Max pooling is memory-bound: threads pay off only for inputs this large. Average pooling
   * stays on one thread (wasm/pool2d.ts says why).
   */
  parallelPoolElements: 1 << 20,
};
