import { corr2d, type Tensor, tensor } from '@fovea/tensor';
import { check, checkClose } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, fromFunction, say } from './exercise.js';

/**
 * The forward-difference kernel of the directional derivative along v = (v1, v2), x to the right
 * and y down: out[i, j] = v1 (f[i, j+1] - f[i, j]) + v2 (f[i+1, j] - f[i, j]) ~ v . grad f.
 */
export function directionalKernel([v1, v2]: readonly [number, number]): Tensor {
  return tensor([
    [-v1 - v2, v1],
    [v2, 0],
  ]);
}

/** A linear ramp f(i, j) = gx j + gy i, whose gradient is (gx, gy) everywhere. */
function ramp(gx: number, gy: number): Tensor {
  return fromFunction(8, 8, (i, j) => gx * j + gy * i);
}

/** Exercise 2a: an edge kernel for any direction v, checked on ramps. */
export const directionalEdges: Exercise = {
  name: 'direction',
  title: 'An edge detector for any direction v',
  run() {
    say(
      'An edge is where the intensity changes: the change along v is the directional derivative',
      'v . grad f = v1 df/dx + v2 df/dy (x to the right, y down). Forward differences give the 2x2 kernel',
      '[[-v1 - v2, v1], [v2, 0]]. Its response is largest across edges whose normal is v, that is edges',
      'running in the direction (v2, -v1), and zero for edges running along v.',
    );
    const v: [number, number] = [0.6, 0.8];
    code('directionalKernel([0.6, 0.8])');
    const K = directionalKernel(v);
    show(K);

    const [gx, gy] = [-1, 2];
    code(`corr2d(ramp with gradient (${gx}, ${gy}), K)  // v . grad f = 0.6 * -1 + 0.8 * 2 = 1`);
    const response = corr2d(ramp(gx, gy), K);
    show(response.slice('0:2', ':'));
    checkClose(
      'on a ramp the response is v . grad f everywhere',
      response,
      tensor(0.6 * gx + 0.8 * gy).expand([7, 7]),
    );

    for (const [a, b] of [
      [1, 0],
      [0, 1],
      [0.6, 0.8],
      [-0.28, 0.96],
    ]) {
      const along = corr2d(ramp(b, -a), directionalKernel([a, b]));
      checkClose(
        `v = (${a}, ${b}): zero response to edges along v (a ramp rising along (${b}, ${-a}))`,
        along,
        tensor(0).expand([7, 7]),
      );
    }
    const strongest = [0, 30, 60, 90, 120, 150, 180].map((deg) => {
      const [c, s] = [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
      return { deg, value: corr2d(ramp(c, s), K).mean().item() as number };
    });
    const best = strongest.reduce((p, q) => (q.value > p.value ? q : p));
    say(`responses to unit ramps at 0..180 degrees: ${strongest.map((r) => r.value.toFixed(3)).join(', ')}`);
    check(
      'the strongest response is to the ramp rising along v (53.1 degrees, the nearest tried is 60)',
      best.deg === 60,
      `got ${best.deg}`,
    );
    code('directionalKernel([-1, 0])  // v pointing left');
    const left = directionalKernel([-1, 0]);
    show(left);
    checkClose("its first row is the chapter's K = [[1, -1]]", left.slice('0:1', ':'), tensor([[1, -1]]));
  },
};
