import { noGrad } from '@fovea/autograd';
import { type Device, describe, type Tensor } from '@fovea/tensor';
import type { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * `module.to(device)`: every parameter and buffer of the tree moved to `device`, as PyTorch's
 * `Module.to('cuda')`. A parameter not already there is replaced by a new `Parameter` holding
 * a copy on the device (with its gradient, if any, moved too), and a parameter shared by
 * several modules stays shared; so an optimizer must be built after the move, as PyTorch's
 * documentation advises. Integer buffers (a step count) stay on the host. Moving back to 'cpu' reads GPU buffers, which only `await` can do:
 * copy values back with `await p.cpu()` (or `dataAsync`) instead.
 */
export function moveToDevice(root: Module, device: Device, op: string): void {
  if (device !== 'cpu' && device !== 'webgpu') {
    const got = typeof device === 'string' ? JSON.stringify(device) : describe(device);
    throw new Error(`${op}: expected 'cpu' or 'webgpu', got ${got}`);
  }
  const moved = new Map<Tensor, Tensor>();
  const move = (t: Tensor): Tensor => {
    let copy = moved.get(t);
    if (copy === undefined) {
      copy = t.device === device ? t : noGrad(() => copyTo(op, t, device));
      moved.set(t, copy);
    }
    return copy;
  };
  // Every copy is made before any is assigned: a tensor that cannot move (float64 on 'webgpu', a
  // backend not open) leaves the whole tree where it was, never half moved.
  const assignments: [Record<string, unknown>, string, Tensor][] = [];
  for (const module of root.modules()) {
    const properties = module as unknown as Record<string, unknown>;
    for (const [name, p] of module.namedParameters({ recurse: false })) {
      if (p.device === device) continue;
      const grad = p.grad;
      let parameter = moved.get(p) as Parameter | undefined;
      if (parameter === undefined) {
        parameter = new Parameter(move(p), p.requiresGrad);
        if (grad !== null) parameter.grad = move(grad);
        moved.set(p, parameter);
      }
      assignments.push([properties, name, parameter]);
    }
    // Integer buffers (batch norm's step count) stay on the host, where they are read.
    for (const [name, b] of module.namedBuffers({ recurse: false })) {
      if (b.device !== device && (b.dtype === 'float32' || b.dtype === 'float64')) {
        assignments.push([properties, name, move(b)]);
      }
    }
  }
  for (const [properties, name, value] of assignments) properties[name] = value;
}

/** `t` copied to `device`; the copy's error (`to('webgpu'): ...`) reported under `op`. */
function copyTo(op: string, t: Tensor, device: Device): Tensor {
  try {
    return t.detach().to(device);
  } catch (error) {
    const message = (error as Error).message?.replace(/^to\('\w+'\): /, '');
    throw new Error(`${op}: ${message}`, { cause: error });
  }
}
