import { describe, expect, it } from 'vitest';
import { corr2d, matmul, type SliceSpec, type Tensor, zeros } from '../../src/index.js';
import { check, constant, input, kinky, leaf } from './helpers.js';

describe('gradcheck: views and copies', () => {
  const x = () => input([2, 3, 4]);

  it('reshape view flatten', () => {
    check((a) => a.reshape([4, 6]), [x()]);
    check((a) => a.reshape([-1, 2]), [x()]);
    check((a) => a.view([6, -1]), [x()]);
    check((a) => a.flatten(), [x()]);
    check((a) => a.flatten(1), [x()]);
    check((a) => a.flatten(0, 1), [x()]);
  });

  it('permute transpose t', () => {
    check((a) => a.permute([2, 0, 1]), [x()]);
    check((a) => a.transpose(0, 2), [x()]);
    check((a) => a.transpose(-1, -2), [x()]);
    check((a) => a.t(), [input([3, 4])]);
    check((a) => a.t(), [input([3])]);
  });

  it('squeeze unsqueeze expand flip', () => {
    check((a) => a.squeeze(), [input([1, 3, 1, 2])]);
    check((a) => a.squeeze(2), [input([1, 3, 1, 2])]);
    check((a) => a.unsqueeze(0), [input([2, 3])]);
    check((a) => a.unsqueeze(-1), [input([2, 3])]);
    check((a) => a.expand([4, 2, 3]), [input([2, 3])]);
    check((a) => a.expand([2, -1, 3]), [input([2, 1, 1])]);
    check((a) => a.flip([0]), [x()]);
    check((a) => a.flip([0, 2]), [x()]);
  });

  it('slice with ranges, steps, negative steps, integer indices, arrays and an ellipsis', () => {
    const specs: SliceSpec[][] = [
      [':', '1:3'],
      ['1:'],
      [0],
      [-1, ':', 2],
      ['::-1'],
      [':', '::2', '1::-1'],
      ['...', '::3'],
      ['...', 1],
      [1, '...'],
      [
        [0, 2],
        [null, null, -2],
      ],
      [':', '5:1'],
    ];
    for (const s of specs) check((a) => a.slice(...s), [x()]);
  });

  it('select narrow clone contiguous', () => {
    check((a) => a.select(1, 2), [x()]);
    check((a) => a.select(-1, 0), [x()]);
    check((a) => a.narrow(2, 1, 2), [x()]);
    check((a) => a.narrow(0, -1, 1), [x()]);
    check((a) => a.clone(), [x()]);
    check((a) => a.t().contiguous(), [input([3, 4])]);
  });

  it('to(dtype): float64 is the identity; through float32 the gradient comes back', () => {
    check((a) => a.to('float64'), [x()]);
    // Rounding to float32 is noise of ~1e-7; with eps 1e-3 it stays under atol.
    check((a) => a.to('float32').to('float64').mul(2), [x()], { eps: 1e-3, atol: 1e-3 });
    const a = leaf([1.5, 2]);
    a.to('float32').mul(3).sum().backward();
    expect(a.grad?.dtype).toBe('float64');
    expect(a.grad?.toArray()).toEqual([3, 3]);
    expect(a.to('int32').requiresGrad).toBe(false);
    expect(a.to('bool').requiresGrad).toBe(false);
  });
});

describe('gradcheck: corr2d', () => {
  it('in both arguments', () => {
    check((X, K) => corr2d(X, K), [input([5, 6]), input([2, 3])]);
    check((X, K) => corr2d(X, K), [input([3, 3]), input([3, 3])]);
    check((X, K) => corr2d(X, K), [input([4, 4]), input([1, 1])]);
  });

  it('on non-contiguous views, and with only one argument requiring grad', () => {
    check((X, K) => corr2d(X.t(), K.flip([1])), [input([6, 4]), input([2, 2])]);
    check((X) => corr2d(X, constant([[1, -1]])), [input([3, 4])]);
    check(
      (K) =>
        corr2d(
          constant([
            [0, 1, 2],
            [3, 4, 5],
          ]),
          K,
        ),
      [input([2, 2])],
    );
  });
});

describe('gradcheck: ops on non-contiguous views', () => {
  it('elementwise, broadcasting, reductions and matmul read strided inputs', () => {
    check((a, b) => a.t().mul(b), [input([3, 2]), input([2, 3])]);
    check((a, b) => a.slice('::2').add(b.flip([0])), [input([5, 2]), input([3, 2])]);
    check((a) => a.permute([2, 0, 1]).exp().sum(1), [input([2, 3, 4])]);
    check((a) => a.slice(':', '::-1').max(1).values, [input([3, 4])]);
    check((a, b) => matmul(a.t(), b.slice(':', '1:')), [input([4, 3]), input([4, 3])]);
    check((a) => a.expand([3, 2, 4]).mul(a.slice('...', '::-1')), [input([2, 4])]);
    check((a) => a.t().reshape([-1]), [input([3, 4])]);
    check((a) => a.t().var(1), [input([3, 4])]);
    check((a) => a.t().slice('1:3').t().sigmoid(), [input([3, 4])]);
  });
});

describe('gradcheck: in-place writes into views of non-leaf tensors', () => {
  it("y.slice(':', '1:3').mul_(2): the written region takes the factor, the rest passes", () => {
    const fn = (x: Tensor) => {
      const y = x.mul(1);
      y.slice(':', '1:3').mul_(2);
      return y;
    };
    check(fn, [input([3, 4])]);
    const x = input([3, 4]);
    const y = fn(x);
    expect(y.gradFn?.name).toBe('CopySlices');
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [1, 2, 2, 1],
      [1, 2, 2, 1],
      [1, 2, 2, 1],
    ]);
  });

  it('copy_ into a slice: gradients reach the base’s history and the written value', () => {
    const fn = (x: Tensor, v: Tensor) => {
      const y = x.mul(x);
      y.slice(':', '1:3').copy_(v.mul(3));
      return y.mul(x);
    };
    check(fn, [input([3, 4]), input([3, 2])]);
    const x = input([2, 3]);
    const v = input([2, 1]);
    const y = x.mul(1);
    y.slice(':', 1).copy_(v.squeeze(1));
    y.sum().backward();
    expect(x.grad?.toArray()).toEqual([
      [1, 0, 1],
      [1, 0, 1],
    ]);
    expect(v.grad?.toArray()).toEqual([[1], [1]]);
  });

  it('copy_ broadcasts its source, and can read from the tensor it writes', () => {
    check(
      (x, v) => {
        const y = x.mul(x);
        y.slice('1:').copy_(v);
        return y;
      },
      [input([3, 4]), input([4])],
    );
    check(
      (x) => {
        const y = x.mul(1);
        y.slice(1).copy_(y.slice(0));
        return y;
      },
      [input([3, 2])],
    );
  });

  it('set([i, j], v) and set([i], row) with values that require grad', () => {
    check(
      (x, s, row) => {
        const y = x.mul(x);
        y.set([1, 2], s.sum());
        y.set([0], row.mul(2));
        return y.mul(y);
      },
      [input([3, 4]), input([2]), input([4])],
    );
  });

  it('add_ sub_ mul_ div_ with operands that require grad, through views of views', () => {
    check(
      (x, v) => {
        const y = x.mul(2);
        y.t().slice(1).add_(v);
        y.slice(':', '::2').sub_(v.slice(':2'));
        y.flip([1]).slice(':', '0:2').mul_(v.slice('1:'));
        y.slice(0).div_(v.add(2));
        return y;
      },
      [input([3, 3]), input([3])],
    );
  });

  it('clamp_, fill_ and zero_ on views', () => {
    check(
      (x) => {
        const y = x.mul(1);
        y.slice(1).clamp_(0.25, 0.75);
        y.slice(0, ':2').fill_(7);
        y.slice(':', 2).zero_();
        return y.mul(x);
      },
      [leaf(kinky)],
    );
  });

  it('in-place ops on a whole non-leaf tensor', () => {
    check(
      (x, v) => {
        const y = x.mul(3);
        y.add_(v);
        y.mul_(v);
        y.div_(v.add(2));
        y.clamp_(-0.5, null);
        return y;
      },
      [input([2, 3]), input([3])],
    );
  });

  it('a view taken before another write to its base reads (and differentiates) the new values', () => {
    // PyTorch regenerates such a view's grad_fn from its base's new history.
    check(
      (x) => {
        const y = x.mul(1);
        const a = y.slice(':', '0:2');
        y.slice(':', '1:3').mul_(3);
        return a.mul(a);
      },
      [input([2, 4])],
    );
    check(
      (x, v) => {
        const y = x.mul(1);
        const a = y.t();
        y.mul_(v);
        return a;
      },
      [input([2, 3]), input([3])],
    );
    const x = input([1, 4]);
    const y = x.mul(1);
    const a = y.slice(':', '0:2');
    y.slice(':', '1:3').mul_(2);
    a.sum().backward();
    expect(x.grad?.toArray()).toEqual([[1, 2, 0, 0]]);
  });

  it('writing a value that requires grad into a tensor that does not makes both require it', () => {
    const fn = (v: Tensor) => {
      const y = zeros([3, 2], { dtype: 'float64' });
      const column = y.slice(':', 0);
      y.slice(1).copy_(v);
      return [y.mul(2), column];
    };
    const v = input([2]);
    const [y, column] = fn(v) as Tensor[];
    expect(y.requiresGrad).toBe(true);
    expect(column.requiresGrad).toBe(true);
    check((t) => fn(t), [input([2])]);
  });
});
