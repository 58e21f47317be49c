import type { KernelSource } from './runtime.js';

/**
 * The WGSL a kernel compiles to (its body wrapped in the common prelude) and the bytes of its
 * uniform parameters: what `WebGpu.run` submits (runtime.ts).
 */

export function packParams(
  kernel: KernelSource,
  threads: number,
  rowThreads: number,
  params: readonly number[],
): ArrayBuffer {
  const bytes = Math.ceil(((2 + params.length) * 4) / 16) * 16;
  const view = new DataView(new ArrayBuffer(bytes));
  view.setUint32(0, threads, true);
  view.setUint32(4, rowThreads, true);
  kernel.params.forEach(([, type], k) => {
    if (type === 'f32') view.setFloat32(8 + 4 * k, params[k], true);
    else view.setInt32(8 + 4 * k, params[k], true);
  });
  return view.buffer;
}

/** The kernel's WGSL: its uniform struct, bindings, helpers and a bounds-checked `main`. */
export function shaderSource(kernel: KernelSource, workgroupSize: number): string {
  const fields = kernel.params.map(([name, type]) => `  ${name}: ${type},`).join('\n');
  const bindings = kernel.buffers
    .map(
      ({ name, type, access }, k) =>
        `@group(0) @binding(${k + 1}) var<storage, ${access}> ${name}: array<${type}>;`,
    )
    .join('\n');
  return `struct Params {
  threads: u32,
  rowThreads: u32,
${fields}
}
@group(0) @binding(0) var<uniform> P: Params;
${bindings}
${kernel.helpers ?? ''}
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let thread = gid.x + gid.y * P.rowThreads;
  if (thread >= P.threads) { return; }
  let i = i32(thread);
${kernel.body}
}
`;
}
