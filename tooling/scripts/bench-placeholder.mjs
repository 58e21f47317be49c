console.log(
  'pnpm bench: the benchmark suite arrives with the fast-kernels work (WebAssembly SIMD); nothing is measured yet.',
);
