import {
  Function as AutogradFunction,
  enableGrad,
  FREED_GRAPH_MESSAGE,
  type FunctionContext,
  type GradcheckOptions,
  grad,
  gradcheck,
  noGrad,
} from '@fovea/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cat,
  corr2d,
  Generator,
  matmul,
  type NestedArray,
  pow,
  rand,
  type SliceSpec,
  stack,
  type Tensor,
  tensor,
  where,
  zeros,
} from '../src/index.js';

// Every check compares backward with float64 central differences (eps 1e-6) entry by entry of
// the Jacobian: |analytical - numerical| <= 1e-5 + 1e-3 |numerical| (PyTorch's gradcheck defaults).

const generator = new Generator(0);

/** A float64 leaf that requires grad, uniform in [low, high). */
function input(shape: number[], low = -1, high = 1, g: Generator = generator): Tensor {
  return rand(shape, { dtype: 'float64', generator: g })
    .mul(high - low)
    .add(low)
    .requiresGrad_();
}

/** A float64 leaf that requires grad, from nested arrays. */
function leaf(data: NestedArray): Tensor {
  return tensor(data as number[], { dtype: 'float64', requiresGrad: true });
}

/** A float64 tensor that requires no grad. */
function constant(data: NestedArray): Tensor {
  return tensor(data as number[], { dtype: 'float64' });
}

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

function check(fn: Fn, inputs: Tensor[], options?: GradcheckOptions): void {
  expect(gradcheck(fn, inputs, options)).toBe(true);
}

// Values away from the kinks of abs, relu and clamp (at 0, 0.25 and 0.75).
const kinky = [
  [-1.5, -0.3, 0.2],
  [0.7, -0.9, 1.2],
];

describe('gradcheck itself', () => {
  it('rejects a wrong derivative (the checks below have teeth)', () => {
    class Twice extends AutogradFunction {
      static override forward(_ctx: FunctionContext, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: FunctionContext, g: Tensor): Tensor[] {
        return [g.mul(3)];
      }
    }
    expect(gradcheck((x) => Twice.apply(x), [input([3])], { raiseException: false })).toBe(false);
  });
});

describe('gradcheck: elementwise ops', () => {
  it('add sub mul div, tensor and scalar operands on either side', () => {
    check((a, b) => a.add(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.sub(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.mul(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.div(b), [input([2, 3]), input([2, 3], 0.5, 2)]);
    check((a) => a.add(2).sub(0.5).mul(-3).div(4), [input([4])]);
    check((b) => pow(2, b), [input([3])]);
    check((a) => a.neg().add(1), [input([2, 2])]);
  });

  it('broadcasting [2, 1, 3] with [4, 1] and with a 0-d tensor', () => {
    const shapes: [number[], number[]][] = [
      [
        [2, 1, 3],
        [4, 1],
      ],
      [[3], [2, 1, 1]],
      [[], [2, 3]],
    ];
    for (const [sa, sb] of shapes) {
      check((a, b) => a.add(b), [input(sa), input(sb)]);
      check((a, b) => a.sub(b), [input(sa), input(sb)]);
      check((a, b) => a.mul(b), [input(sa), input(sb)]);
      check((a, b) => a.div(b), [input(sa), input(sb, 0.5, 2)]);
      check((a, b) => a.maximum(b), [input(sa), input(sb)]);
      check((a, b) => a.minimum(b), [input(sa), input(sb)]);
      check((a, b) => a.pow(b), [input(sa, 0.5, 2), input(sb)]);
    }
  });

  it('pow with a scalar exponent, a tensor exponent and a tensor base', () => {
    check((a) => a.pow(3), [input([2, 3])]);
    check((a) => a.pow(2.5), [input([2, 3], 0.5, 2)]);
    check((a) => a.pow(-1.5), [input([4], 0.5, 2)]);
    check((a, b) => a.pow(b), [input([2, 3], 0.5, 2), input([2, 3])]);
    check((b) => constant([0.5, 1.5, 3]).pow(b), [input([3])]);
  });

  it('exp log sqrt abs relu sigmoid tanh square', () => {
    check((a) => a.exp(), [input([2, 3])]);
    check((a) => a.log(), [input([2, 3], 0.5, 3)]);
    check((a) => a.sqrt(), [input([2, 3], 0.5, 3)]);
    check((a) => a.abs(), [leaf(kinky)]);
    check((a) => a.relu(), [leaf(kinky)]);
    check((a) => a.sigmoid(), [input([2, 3], -3, 3)]);
    check((a) => a.tanh(), [input([2, 3], -2, 2)]);
    check((a) => a.square(), [input([2, 3])]);
  });

  it('clamp with both bounds, only a minimum and only a maximum', () => {
    check((a) => a.clamp(0.25, 0.75), [leaf(kinky)]);
    check((a) => a.clamp(0.25), [leaf(kinky)]);
    check((a) => a.clamp(null, 0.25), [leaf(kinky)]);
  });

  it('maximum and minimum share a tie evenly, as PyTorch does', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([3, 2, 1]);
    a.maximum(b).sum().backward();
    expect(a.grad?.toArray()).toEqual([0, 0.5, 1]);
    expect(b.grad?.toArray()).toEqual([1, 0.5, 0]);
  });

  it('where, broadcasting condition and operands, with a scalar on either side', () => {
    const cond = tensor([[true], [false]]);
    check((a, b) => where(cond, a, b), [input([2, 3]), input([3])]);
    check((a) => where(cond, a, 0.5), [input([1, 3])]);
    check((b) => where(cond, 2, b), [input([2, 1])]);
    check((a, b) => a.where(cond, b), [input([3]), input([2, 3])]);
  });
});

describe('gradcheck: reductions', () => {
  it('sum and mean: everything, one dim, several dims, negative dims, keepdim', () => {
    const x = () => input([2, 3, 4]);
    for (const op of ['sum', 'mean'] as const) {
      check((a) => a[op](), [x()]);
      check((a) => a[op](1), [x()]);
      check((a) => a[op](-1, true), [x()]);
      check((a) => a[op]([0, 2]), [x()]);
      check((a) => a[op]([0, -1], true), [x()]);
    }
  });

  it('var, with Bessel’s correction and without, over everything and along a dim', () => {
    check((a) => a.var(), [input([3, 4])]);
    check((a) => a.var(1), [input([3, 4])]);
    check((a) => a.var(0, { correction: 0, keepdim: true }), [input([3, 4])]);
    check((a) => a.var([0, 1]), [input([3, 4])]);
  });

  it('max and min over everything and along a dim (values)', () => {
    check((a) => a.max(), [input([3, 4])]);
    check((a) => a.min(), [input([3, 4])]);
    check((a) => a.max(1).values, [input([3, 4])]);
    check((a) => a.min(0, true).values, [input([3, 4])]);
    check((a) => a.max(-1, true).values, [input([2, 3, 4])]);
  });

  it('max over everything shares a tie; max along a dim sends it to the returned index', () => {
    const a = leaf([1, 3, 3]);
    a.max().backward();
    expect(a.grad?.toArray()).toEqual([0, 0.5, 0.5]);
    const b = leaf([
      [1, 3, 3],
      [5, 5, 0],
    ]);
    const { values, indices } = b.max(1);
    expect(indices.toArray()).toEqual([1, 0]);
    values.sum().backward();
    expect(b.grad?.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });
});

describe('gradcheck: matmul', () => {
  it('1-D and 2-D operands in every combination', () => {
    check((a, b) => matmul(a, b), [input([4]), input([4])]);
    check((a, b) => matmul(a, b), [input([4]), input([4, 3])]);
    check((a, b) => matmul(a, b), [input([2, 4]), input([4])]);
    check((a, b) => a.matmul(b), [input([2, 4]), input([4, 3])]);
  });

  it('batched, with broadcast batch axes and 1-D operands', () => {
    check((a, b) => matmul(a, b), [input([2, 1, 3, 4]), input([5, 4, 2])]);
    check((a, b) => matmul(a, b), [input([3, 2, 4]), input([4, 2])]);
    check((a, b) => matmul(a, b), [input([4]), input([2, 4, 3])]);
    check((a, b) => matmul(a, b), [input([2, 3, 4]), input([4])]);
  });
});

describe('gradcheck: joins', () => {
  it('cat along each dim, negative dims included, and of views', () => {
    check((a, b) => cat([a, b]), [input([2, 3]), input([1, 3])]);
    check((a, b) => cat([a, b], 1), [input([2, 3]), input([2, 2])]);
    check((a, b, c) => cat([a, b, c], -1), [input([2, 1]), input([2, 2]), input([2, 3])]);
    check((a, b) => cat([a.t(), b], 0), [input([3, 2]), input([1, 3])]);
    check((a) => cat([a, a.mul(2)], 0), [input([2, 2])]);
  });

  it('stack along each dim', () => {
    for (const dim of [0, 1, 2, -1]) {
      check((a, b) => stack([a, b], dim), [input([2, 3]), input([2, 3])]);
    }
  });

  it('a constant in a cat gets no gradient, the others do', () => {
    check((a) => cat([a, constant([[9, 9]])]), [input([2, 2])]);
  });
});

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

describe('errors PyTorch also gives', () => {
  it('an in-place op on a leaf that requires grad', () => {
    const x = input([3]);
    expect(() => x.add_(1)).toThrow(
      'add_: a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => x.mul_(input([3]))).toThrow(/a leaf Variable that requires grad/);
    expect(() => x.fill_(0)).toThrow(/a leaf Variable that requires grad/);
  });

  it('an in-place op on a view of such a leaf', () => {
    const x = input([2, 3]);
    expect(() => x.slice(':', '1:').fill_(0)).toThrow(
      'fill_: a view of a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => x.t().set([0, 1], 5)).toThrow(/a view of a leaf Variable that requires grad/);
    expect(() => x.reshape([6]).copy_(zeros([6], { dtype: 'float64' }))).toThrow(/a view of a leaf/);
  });

  it('in-place writes on leaves are fine under noGrad, and are not recorded', () => {
    const w = input([3]);
    noGrad(() => {
      w.sub_(1);
      w.slice('1:').mul_(2);
    });
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
  });

  it('modifying a saved tensor, then calling backward', () => {
    const x = input([3]);
    const y = x.mul(1);
    const z = y.mul(y);
    y.add_(1);
    expect(() => z.sum().backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[float64 \[3\]\], used by MulBackward0, is at version 1; expected version 0 instead/,
    );
    const e = x.exp();
    e.slice('1:').mul_(2);
    expect(() => e.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('no error where PyTorch saved nothing that is overwritten later', () => {
    // mul by a scalar saves the scalar; max along a dim saves the indices; neither saves y.
    const x = leaf([1, 3, 2]);
    const y = x.mul(1);
    const doubled = y.mul(2);
    const largest = y.max(0).values;
    y.add_(1);
    doubled.sum().add(largest).backward();
    expect(x.grad?.toArray()).toEqual([2, 3, 2]);
    // A scalar power saves its base and exponent, not its result.
    const u = leaf([1, 3]);
    const p = u.mul(1).pow(2);
    p.add_(1);
    p.sum().backward();
    expect(u.grad?.toArray()).toEqual([2, 6]);
    // matmul with a constant saves only the constant.
    const v = leaf([[1, 2]]);
    const w = v.mul(1);
    const out = matmul(w, constant([[1], [1]]));
    w.mul_(5);
    out.sum().backward();
    expect(v.grad?.toArray()).toEqual([[1, 1]]);
  });

  it('backward twice through a freed graph, and retainGraph', () => {
    const x = input([3]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
  });
});

describe('createGraph: double backward', () => {
  it('d²/dx² of x^3 is 6x', () => {
    const x = leaf([0.5, -1, 2]);
    const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
    expect(g?.toArray()).toEqual([0.75, 3, 12]);
    expect(g?.requiresGrad).toBe(true);
    const [gg] = grad(g!.sum(), x);
    expect(gg?.toArray()).toEqual([3, -6, 12]);
  });

  it('backward with createGraph leaves a differentiable grad', () => {
    const x = leaf([1.5]);
    x.mul(x).mul(x).backward(undefined, { createGraph: true });
    const first = x.grad!;
    expect(first.toArray()).toEqual([6.75]);
    const [second] = grad(first.sum(), x);
    expect(second?.toArray()).toEqual([9]);
  });

  /** gradcheck of x -> d(sum f(x))/dx: PyTorch's gradgradcheck with a ones upstream gradient. */
  function checkSecondOrder(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
    check((...xs) => enableGrad(() => grad(f(...xs).sum(), xs, { createGraph: true }) as Tensor[]), inputs);
  }

  it('second derivatives of the elementwise ops', () => {
    checkSecondOrder((a) => a.exp(), [input([3])]);
    checkSecondOrder((a) => a.log(), [input([3], 0.5, 2)]);
    checkSecondOrder((a) => a.sqrt(), [input([3], 0.5, 2)]);
    checkSecondOrder((a) => a.sigmoid(), [input([3])]);
    checkSecondOrder((a) => a.tanh(), [input([3])]);
    checkSecondOrder((a, b) => a.div(b), [input([3]), input([3], 0.5, 2)]);
    checkSecondOrder((a, b) => a.pow(b), [input([3], 0.5, 2), input([3])]);
    checkSecondOrder((a, b) => a.mul(b).mul(a), [input([2, 3]), input([3])]);
    checkSecondOrder((a) => a.relu().mul(a).add(a.abs().pow(3)), [leaf(kinky)]);
    checkSecondOrder(
      (a, b) =>
        a
          .maximum(b)
          .pow(2)
          .mul(where(a.gt(0), b, a)),
      [input([2, 3]), input([3])],
    );
  });

  it('second derivatives of matmul, corr2d, reductions, views, joins and in-place writes', () => {
    checkSecondOrder((a, b) => matmul(a, b).pow(2), [input([2, 3]), input([3, 2])]);
    checkSecondOrder((X, K) => corr2d(X, K).pow(2), [input([3, 4]), input([2, 2])]);
    checkSecondOrder((a) => a.var(1).mul(a.mean()), [input([2, 3])]);
    checkSecondOrder((a) => a.clamp(0.25, 0.75).pow(2).add(a.max(1, true).values.pow(3)), [leaf(kinky)]);
    checkSecondOrder((a, b) => cat([a.t(), b]).slice('::-1', 1).pow(3), [input([3, 2]), input([2, 3])]);
    checkSecondOrder(
      (a) =>
        a
          .expand([2, 2, 3])
          .sum(0)
          .mul(a.flip([1]).unsqueeze(0))
          .exp(),
      [input([2, 3])],
    );
    checkSecondOrder(
      (a, v) => {
        const y = a.mul(a);
        y.slice(':', 1).copy_(v.mul(v));
        return y.mul(a);
      },
      [input([2, 3]), input([2])],
    );
  });
});

describe('gradcheck properties over random shapes (fast-check)', () => {
  /** A shape of up to three axes of sizes 1 to 3. */
  const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
  /** Two shapes that broadcast: b drops some leading axes of a and sets some others to 1. */
  const broadcastPair = fc
    .tuple(shapeArb, fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean())
    .map(([a, drop, ones, swap]) => {
      const b = a.slice(Math.min(drop, a.length)).map((d, i) => (ones[i] ? 1 : d));
      return swap ? [b, a] : [a, b];
    });
  const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

  it('binary ops broadcast and send gradients back summed to each shape', () => {
    const ops: Fn[] = [
      (a, b) => a.add(b),
      (a, b) => a.sub(b),
      (a, b) => a.mul(b),
      (a, b) => a.div(b),
      (a, b) => a.maximum(b),
      (a, b) => a.pow(b),
    ];
    fc.assert(
      fc.property(broadcastPair, fc.integer({ min: 0, max: ops.length - 1 }), seed, ([sa, sb], k, s) => {
        const g = new Generator(s);
        check(ops[k], [input(sa, 0.5, 2, g), input(sb, 0.5, 2, g)]);
      }),
      { numRuns: 100 },
    );
  });

  it('random slices of random views', () => {
    const sliceSpec = fc.oneof(
      fc.constant<SliceSpec>(':'),
      fc.integer({ min: -1, max: 0 }),
      fc.tuple(
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(1, 2, -1, -2),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(sliceSpec, { maxLength: 3 }),
        fc.boolean(),
        seed,
        (shape, specs, transposed, s) => {
          const x = input(shape, -1, 1, new Generator(s));
          const usable = specs.slice(0, shape.length);
          check((a) => (transposed ? a.transpose(0, -1) : a).slice(...usable).mul(a.sum()), [x]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random reductions over random dims, keepdim or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('sum', 'mean', 'var'),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        seed,
        (shape, op, keepdim, pick, s) => {
          const dims = shape.map((_, i) => i).filter((i) => pick[i]);
          const x = input(shape, -1, 1, new Generator(s));
          const d = dims.length === 0 ? undefined : dims;
          check((a) => (op === 'var' ? a.var(d, { keepdim, correction: 0 }) : a[op](d, keepdim)), [x]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('batched matmul with broadcast batch shapes', () => {
    fc.assert(
      fc.property(
        broadcastPair,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        seed,
        ([ba, bb], n, k, m, s) => {
          const g = new Generator(s);
          check(
            (a, b) => matmul(a, b),
            [input([...ba.slice(-2), n, k], -1, 1, g), input([...bb.slice(-2), k, m], -1, 1, g)],
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
