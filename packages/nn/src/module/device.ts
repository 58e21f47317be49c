import { noGrad } from '@fovea/autograd';
import type { Device, Tensor } from '@fovea/tensor';
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
export function moveToDevice(root: Module, device: Device): void {
  if (device !== 'cpu' && device !== 'webgpu') {
    throw new Error(`Module.to: expected 'cpu' or 'webgpu', got ${JSON.stringify(device)}`);
  }
  const moved = new Map<Tensor, Tensor>();
  const move = (t: Tensor): Tensor => {
    let copy = moved.get(t);
    if (copy === undefined) {
      copy = t.device === device ? t : noGrad(() => t.detach().to(device));
      moved.set(t, copy);
    }
    return copy;
  };
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
      properties[name] = parameter;
    }
    // Integer buffers (batch norm's step count) stay on the host, where they are read.
    for (const [name, b] of module.namedBuffers({ recurse: false })) {
      if (b.device !== device && (b.dtype === 'float32' || b.dtype === 'float64')) properties[name] = move(b);
    }
  }
}
