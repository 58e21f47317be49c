import { corr2d, tensor } from '@fovea/tensor';
import { check, checkClose } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, fromFunction, say } from './exercise.js';

/** Exercise 2b: the finite-difference kernel of the second derivative, its size, what it finds. */
export const secondDerivative: Exercise = {
  name: 'second-derivative',
  title: 'The second derivative: kernel, minimum size, what it responds to',
  run() {
    say(
      'f(j + 1) - 2 f(j) + f(j - 1) = f"(j) + O(h^2) (Taylor), so the kernel is [[1, -2, 1]]. Its size is at',
      'least 3: a 2-tap kernel [a, b] that vanishes on constants (a + b = 0) and on ramps (b = 0) is zero.',
    );
    const K2 = tensor([[1, -2, 1]]);
    code('corr2d(X, [[1, -2, 1]]) with X[i, j] = j^2');
    const parabola = corr2d(
      fromFunction(3, 8, (_, j) => j * j),
      K2,
    );
    show(parabola);
    checkClose(
      'on j^2 the response is the second derivative, 2, everywhere',
      parabola,
      tensor(2).expand([3, 6]),
    );
    checkClose(
      'on a ramp (and a constant) the response is 0',
      corr2d(
        fromFunction(3, 8, (_, j) => 3 * j + 1),
        K2,
      ),
      tensor(0).expand([3, 6]),
    );

    code('corr2d(row: a step edge at 3, a one-pixel line at 9, a ramp from 12, [[1, -2, 1]])');
    const row = fromFunction(
      1,
      18,
      (_, j) => (j >= 3 && j < 7 ? 1 : 0) + (j === 9 ? 1 : 0) + (j >= 12 ? 0.25 * (j - 12) : 0),
    );
    const response = corr2d(row, K2);
    show(response);
    const values = Array.from(response.dataSync(), Math.abs);
    const peak = values.indexOf(Math.max(...values)) + 1;
    say('It responds to changes of slope: most strongly to thin lines (1, -2, 1 around a one-pixel line),');
    say('half as much to each side of a step, only at the corner of a ramp, and not at all along the ramp.');
    check('the strongest response is on the one-pixel line (column 9)', peak === 9, `got column ${peak}`);

    code('corr2d(a single white pixel, laplacian [[0, 1, 0], [1, -4, 1], [0, 1, 0]])');
    const laplacian = tensor([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ]);
    const dot = corr2d(
      fromFunction(5, 5, (i, j) => (i === 2 && j === 2 ? 1 : 0)),
      laplacian,
    );
    show(dot);
    say('In 2-D the sum of the second derivatives, the Laplacian, responds most to isolated points (blobs).');
    check('its response to a single pixel is -4 at the pixel', dot.get([1, 1]) === -4);
  },
};
