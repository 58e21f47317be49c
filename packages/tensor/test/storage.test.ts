import { describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { type DeviceBuffer, Storage } from '../src/storage.js';
import { Tensor } from '../src/tensor.js';

/** A storage whose data lives off the host, as a GPU buffer's does: readable only asynchronously. */
function deviceTensor(values: number[], shape: number[]): { t: Tensor; reads: () => number } {
  let reads = 0;
  const buffer: DeviceBuffer = {
    device: 'webgpu',
    length: values.length,
    read: async () => {
      reads++;
      return Float32Array.from(values);
    },
    dispose: () => {},
  };
  return { t: new Tensor(new Storage(null, buffer), 'float32', shape), reads: () => reads };
}

describe('Storage', () => {
  it('holds a host array or a device buffer, never both or neither', () => {
    expect(() => new Storage(null)).toThrow('Storage: expected either a host array or a device buffer');
    const s = new Storage(new Float32Array(3));
    expect(s.device).toBe('cpu');
    expect(s.length).toBe(3);
  });

  it('host tensors read synchronously and asynchronously alike, on the cpu device', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).t();
    expect(x.device).toBe('cpu');
    expect(await x.dataAsync()).toEqual(x.dataSync());
    expect(await x.toArrayAsync()).toEqual(x.toArray());
    expect(await x.cpu()).toBe(x);
  });

  it('a device tensor refuses synchronous reads with an error naming the op and the way out', () => {
    const { t } = deviceTensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(t.device).toBe('webgpu');
    const hint = 'use `await t.dataAsync()` to read it, or `await t.cpu()` for a copy in host memory';
    expect(() => t.dataSync()).toThrow(
      `dataSync: the tensor [2, 3] lives on webgpu, whose data cannot be read synchronously; ${hint}`,
    );
    expect(() => t.toArray()).toThrow('dataSync: the tensor [2, 3] lives on webgpu');
    expect(() => deviceTensor([7], [1]).t.item()).toThrow('item: the tensor [1] lives on webgpu');
    expect(() => t.exp()).toThrow('exp: the tensor [2, 3] lives on webgpu');
    // Beside a host operand, the mix of devices is the error (PyTorch's), before any read.
    expect(() => t.matmul(tensor([[1], [1], [1]]))).toThrow(
      "matmul: expected all tensors on the same device, but found one on webgpu and one on cpu ([3, 1]); move it with `t.to('webgpu')`",
    );
    expect(() => t.sum()).toThrow('sum: the tensor [2, 3] lives on webgpu');
    expect(String(t)).toBe("tensor(<[2, 3] on webgpu: await toArrayAsync()>, device='webgpu')");
  });

  it('a device tensor reads back through dataAsync, strided views included, and moves with cpu()', async () => {
    const { t, reads } = deviceTensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(await t.dataAsync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(await t.t().dataAsync())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(await t.t().toArrayAsync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const host = await t.t().cpu();
    expect(host.device).toBe('cpu');
    expect(host.shape).toEqual([3, 2]);
    expect(host.add(1).toArray()).toEqual([
      [2, 5],
      [3, 6],
      [4, 7],
    ]);
    expect(reads()).toBe(4);
  });
});
