import { describe, expect, it } from 'vitest';
import { formatFixed, formatScientific, formatTensor, type PrintDType } from '../src/format/index.js';
import { goldenValue, loadGolden, type ReprCase } from './golden.js';

const golden = loadGolden<{ cases: Record<string, ReprCase> }>('tensor_repr.json');

describe('formatTensor: golden reprs from PyTorch', () => {
  for (const [name, c] of Object.entries(golden.cases)) {
    it(name, () => {
      // PyTorch's int64 is Fovea's int32. The autograd notes of the repr are the caller's part.
      const dtype: PrintDType = c.dtype === 'int64' ? 'int32' : c.dtype;
      const suffixes = c.repr.match(/requires_grad=True|grad_fn=<\w+>/g) ?? [];
      expect(formatTensor(c.data.map(goldenValue), c.shape, dtype, suffixes)).toBe(c.repr);
    });
  }
});

// The expected strings below were worked out by hand from torch/_tensor_str.py (PyTorch 2.x):
// `_Formatter` picks the notation from the nonzero finite values (scientific when
// max/min > 1000, max > 1e8 or, unless all are whole, min < 1e-4) and pads every element to the
// widest; `_vector_str` puts floor((80 - indent) / (width + 2)) elements on a line, continuation
// lines indented one past the opening bracket; `_add_suffixes` breaks before a suffix when
// lastLine + 2 + suffix + 2 > 80. Python's format() rounds the exact binary value half to even.
// They were also replayed through a line-by-line Python transcription of that file.
describe('formatTensor: notation', () => {
  it('pads nan and inf to the fixed width and leaves them out of choosing it', () => {
    // Only 1.5 counts: fixed, width len('1.5000') = 6.
    expect(formatTensor([1.5, Number.NaN, Infinity, -Infinity], [4], 'float32')).toBe(
      'tensor([1.5000,    nan,    inf,   -inf])',
    );
    // Integer mode, width len('1') + 1 = 2; 'nan' and '-inf' get no '.' and overflow the width.
    expect(formatTensor([1, Number.NaN, -Infinity], [3], 'float32')).toBe('tensor([1., nan, -inf])');
  });

  it('prints a tensor of only nan, inf or zeros in integer mode of width 1', () => {
    expect(formatTensor([Number.NaN], [], 'float32')).toBe('tensor(nan)');
    expect(formatTensor([-Infinity], [], 'float32')).toBe('tensor(-inf)');
    expect(formatTensor([0, 0], [2], 'float32')).toBe('tensor([0., 0.])');
  });

  it('accepts the nan and inf strings of JSON dumps', () => {
    const data = ['nan', 'inf', 2] as unknown as number[];
    expect(formatTensor(data, [3], 'float32')).toBe('tensor([nan, inf, 2.])');
  });

  it('switches whole numbers to scientific notation above 1e8 or a range over 1000', () => {
    // Whole but 1e10 > 1e8: every element '{:.4e}', width 10.
    expect(formatTensor([1e10, 1], [2], 'float32')).toBe('tensor([1.0000e+10, 1.0000e+00])');
    expect(formatTensor([1e8, 2e8], [2], 'float32')).toBe('tensor([1.0000e+08, 2.0000e+08])');
    // 1000 / 1 is not > 1000: integer mode, width len('1000') + 1 = 5.
    expect(formatTensor([1, 1000], [2], 'float32')).toBe('tensor([   1., 1000.])');
    expect(formatTensor([1, 1001], [2], 'float32')).toBe('tensor([1.0000e+00, 1.0010e+03])');
  });

  it('compares the float32 value, not the written one, with 1e-4', () => {
    // float64 1e-4 is not < 1e-4 and 0.05 / 1e-4 = 500: fixed.
    expect(formatTensor([0.0001, 0.05], [2], 'float64')).toBe('tensor([0.0001, 0.0500], dtype=float64)');
    // float32 1e-4 is 9.99999974737875e-05 < 1e-4: scientific.
    expect(formatTensor([0.0001, 0.05], [2], 'float32')).toBe('tensor([1.0000e-04, 5.0000e-02])');
  });

  it('pads negatives and wide values in fixed notation', () => {
    // Widths 7, 6, 7: all padded to 7.
    expect(formatTensor([-1.25, 0.5, 10.125], [3], 'float32')).toBe('tensor([-1.2500,  0.5000, 10.1250])');
    expect(formatTensor([-100, 5, 23], [3], 'int32')).toBe('tensor([-100,    5,   23])');
  });

  it('rounds exact ties half to even as Python does', () => {
    // 0.03125 * 1e4 = 312.5 exactly: Python '0.0312' where JavaScript's toFixed gives '0.0313'.
    expect(formatTensor([0.03125, 1.5], [2], 'float32')).toBe('tensor([0.0312, 1.5000])');
  });

  it('mixes scientific values with nan and zero', () => {
    // 1e10 / 0.5 > 1000: scientific, width 10; nan padded to it, zero as '0.0000e+00'.
    expect(formatTensor([1e10, 0.5, Number.NaN, 0], [4], 'float32')).toBe(
      'tensor([1.0000e+10, 5.0000e-01,        nan, 0.0000e+00])',
    );
  });

  it('keeps the sign of negative zero', () => {
    // Zero does not widen: width 2 from '1'; '-0.' is 3 wide.
    expect(formatTensor([-0, 1], [2], 'float32')).toBe('tensor([-0., 1.])');
  });

  it('prints 0-d tensors without brackets', () => {
    expect(formatTensor([-0.5], [], 'float32')).toBe('tensor(-0.5000)');
    expect(formatTensor([7], [], 'int32')).toBe('tensor(7)');
    expect(formatTensor([true], [], 'bool')).toBe('tensor(True)');
  });
});

describe('formatTensor: dtype and size notes', () => {
  it('names float64 only', () => {
    expect(formatTensor([0.1, 0.2], [2], 'float64')).toBe('tensor([0.1000, 0.2000], dtype=float64)');
    expect(formatTensor([1, 2], [2], 'float64')).toBe('tensor([1., 2.], dtype=float64)');
    expect(formatTensor([1, 0], [2], 'bool')).toBe('tensor([ True, False])');
  });

  it('names every dtype but float32 of an empty tensor, and its shape unless it is (0,)', () => {
    expect(formatTensor([], [0], 'float32')).toBe('tensor([])');
    expect(formatTensor([], [0], 'int32')).toBe('tensor([], dtype=int32)');
    expect(formatTensor([], [0], 'float64')).toBe('tensor([], dtype=float64)');
    expect(formatTensor([], [2, 0], 'float32')).toBe('tensor([], size=(2, 0))');
    expect(formatTensor([], [0, 3], 'bool')).toBe('tensor([], size=(0, 3), dtype=bool)');
  });
});

describe('formatTensor: line wrapping', () => {
  it('wraps a long row under the first element', () => {
    // Width 7 ('19.5000'), floor((80 - 7) / 9) = 8 per line.
    expect(
      formatTensor(
        Array.from({ length: 20 }, (_, i) => i + 0.5),
        [20],
        'float32',
      ),
    ).toBe(
      'tensor([ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,\n' +
        '         8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,\n' +
        '        16.5000, 17.5000, 18.5000, 19.5000])',
    );
  });

  it('wraps the rows of a matrix one column further in', () => {
    // Rows open at column 8: floor((80 - 8) / 9) = 8 per line, continuations at column 9.
    const data = Array.from({ length: 24 }, (_, i) => (i - 12) * 0.75);
    const body =
      'tensor([[-9.0000, -8.2500, -7.5000, -6.7500, -6.0000, -5.2500, -4.5000, -3.7500,\n' +
      '         -3.0000, -2.2500, -1.5000, -0.7500],\n' +
      '        [ 0.0000,  0.7500,  1.5000,  2.2500,  3.0000,  3.7500,  4.5000,  5.2500,\n' +
      '          6.0000,  6.7500,  7.5000,  8.2500]]';
    expect(formatTensor(data, [2, 12], 'float32')).toBe(`${body})`);
    // The last line is 42 long: the suffix fits after it.
    expect(formatTensor(data, [2, 12], 'float32', ['grad_fn=<AddBackward0>'])).toBe(
      `${body}, grad_fn=<AddBackward0>)`,
    );
  });

  it('wraps bools at floor(73 / 7) = 10 per line', () => {
    const data = Array.from({ length: 24 }, (_, i) => i % 3 === 0);
    expect(formatTensor(data, [24], 'bool')).toBe(
      'tensor([ True, False, False,  True, False, False,  True, False, False,  True,\n' +
        '        False, False,  True, False, False,  True, False, False,  True, False,\n' +
        '        False,  True, False, False])',
    );
  });
});

describe('formatTensor: suffixes', () => {
  it('appends autograd notes after the dtype', () => {
    expect(formatTensor([2.5], [], 'float32', ['requires_grad=True'])).toBe(
      'tensor(2.5000, requires_grad=True)',
    );
    expect(formatTensor([2, 4], [2], 'float32', ['grad_fn=<MulBackward0>'])).toBe(
      'tensor([2., 4.], grad_fn=<MulBackward0>)',
    );
  });

  it("breaks before a suffix by PyTorch's count, which takes the line as 2 longer", () => {
    // 'tensor([1, ..., 1])' of 17 ones is 58 long: 58 + 2 + 18 + 2 = 80 is not > 80.
    expect(formatTensor(new Array(17).fill(1), [17], 'int32', ['requires_grad=True'])).toBe(
      'tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], requires_grad=True)',
    );
    // 13 floats make 59: 81 > 80 breaks, although the joined line would be 80 wide.
    expect(formatTensor(new Array(13).fill(1), [13], 'float32', ['requires_grad=True'])).toBe(
      'tensor([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.],\n       requires_grad=True)',
    );
    // 79 long: dtype breaks; after a break the count is 7 + 13, so the next suffix follows it.
    expect(formatTensor([-1.25, 1.5, 2, 3, 4, 5, 6, 7], [8], 'float64', ['requires_grad=True'])).toBe(
      'tensor([-1.2500,  1.5000,  2.0000,  3.0000,  4.0000,  5.0000,  6.0000,  7.0000],\n' +
        '       dtype=float64, requires_grad=True)',
    );
  });
});

describe('formatTensor: summarised tensors (more than 1000 elements)', () => {
  it('keeps 3 rows and 3 columns at each end of a matrix', () => {
    // Shown values 0..2, 47..49, ..., 1997..1999: width 4; ' ...' joins as ',  ...'.
    const data = Array.from({ length: 2000 }, (_, i) => i);
    expect(formatTensor(data, [40, 50], 'int32')).toBe(
      [
        'tensor([[   0,    1,    2,  ...,   47,   48,   49],',
        '        [  50,   51,   52,  ...,   97,   98,   99],',
        '        [ 100,  101,  102,  ...,  147,  148,  149],',
        '        ...,',
        '        [1850, 1851, 1852,  ..., 1897, 1898, 1899],',
        '        [1900, 1901, 1902,  ..., 1947, 1948, 1949],',
        '        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])',
      ].join('\n'),
    );
  });

  it('chooses notation and width from the shown values only', () => {
    // Shown: 1 .. 500.75, ratio 500.75 < 1000 (the hidden ones would not change it): fixed,
    // width len('500.7500') = 8, and floor((80 - 8) / 10) = 7 elements fit one line.
    const data = Array.from({ length: 2000 }, (_, i) => 1 + i / 4);
    expect(formatTensor(data, [40, 50], 'float32')).toBe(
      [
        'tensor([[  1.0000,   1.2500,   1.5000,  ...,  12.7500,  13.0000,  13.2500],',
        '        [ 13.5000,  13.7500,  14.0000,  ...,  25.2500,  25.5000,  25.7500],',
        '        [ 26.0000,  26.2500,  26.5000,  ...,  37.7500,  38.0000,  38.2500],',
        '        ...,',
        '        [463.5000, 463.7500, 464.0000,  ..., 475.2500, 475.5000, 475.7500],',
        '        [476.0000, 476.2500, 476.5000,  ..., 487.7500, 488.0000, 488.2500],',
        '        [488.5000, 488.7500, 489.0000,  ..., 500.2500, 500.5000, 500.7500]])',
      ].join('\n'),
    );
  });

  it('summarises every dimension of a rank-3 tensor, with blank lines between blocks', () => {
    const data = Array.from({ length: 1200 }, (_, i) => i);
    const block = (first: number) => {
      const row = (start: number) => {
        const cell = (v: number) => String(v).padStart(4);
        const head = [0, 1, 2].map((j) => cell(start + j));
        const tail = [9, 10, 11].map((j) => cell(start + j));
        return `[${[...head, ' ...', ...tail].join(', ')}]`;
      };
      const rows = [0, 1, 2].map((r) => row(first + 12 * r));
      const lastRows = [7, 8, 9].map((r) => row(first + 12 * r));
      return `[${[...rows, '...', ...lastRows].join(',\n         ')}]`;
    };
    const blocks = [0, 1, 2, 7, 8, 9].map((b) => block(120 * b));
    const expected = `tensor([${[...blocks.slice(0, 3), '...', ...blocks.slice(3)].join(',\n\n        ')}])`;
    expect(formatTensor(data, [10, 10, 12], 'int32')).toBe(expected);
    // The same, spelled out for the first rows.
    expect(expected.startsWith('tensor([[[   0,    1,    2,  ...,    9,   10,   11],\n')).toBe(true);
    expect(expected).toContain('         [ 108,  109,  110,  ...,  117,  118,  119]],\n\n        [[ 120,');
    expect(expected).toContain(' 359]],\n\n        ...,\n\n        [[ 840,');
  });
});

describe('formatTensor: higher ranks', () => {
  it('separates rank-3 blocks with one blank line and rank-4 blocks with two', () => {
    expect(formatTensor([-1, 2, 3.5, 4], [2, 1, 2], 'float64')).toBe(
      'tensor([[[-1.0000,  2.0000]],\n\n        [[ 3.5000,  4.0000]]], dtype=float64)',
    );
    expect(formatTensor([1, 2, 3, 4], [2, 1, 1, 2], 'float32')).toBe(
      'tensor([[[[1., 2.]]],\n\n\n        [[[3., 4.]]]])',
    );
  });
});

describe('formatTensor: print options', () => {
  it('forces scientific notation on or off after the widths are measured', () => {
    expect(formatTensor([1, 2], [2], 'float32', [], { sciMode: true })).toBe(
      'tensor([1.0000e+00, 2.0000e+00])',
    );
    // Width 10 was measured for '1.0000e-05'; fixed notation is then padded to it.
    expect(formatTensor([1e-5, 1], [2], 'float64', [], { sciMode: false })).toBe(
      'tensor([    0.0000,     1.0000], dtype=float64)',
    );
  });

  it('honours precision, threshold, edgeitems and linewidth', () => {
    // float64 1.005 is 1.00499999999999989...: '1.00'.
    expect(formatTensor([1.005, -2.5], [2], 'float64', [], { precision: 2 })).toBe(
      'tensor([ 1.00, -2.50], dtype=float64)',
    );
    const ten = Array.from({ length: 10 }, (_, i) => i);
    expect(formatTensor(ten, [10], 'int32', [], { threshold: 5 })).toBe('tensor([0, 1, 2,  ..., 7, 8, 9])');
    const sixteen = Array.from({ length: 16 }, (_, i) => i);
    expect(formatTensor(sixteen, [4, 4], 'int32', [], { threshold: 5, edgeitems: 1 })).toBe(
      'tensor([[ 0,  ...,  3],\n        ...,\n        [12,  ..., 15]])',
    );
    // floor((30 - 7) / 8) = 2 per line.
    const eight = Array.from({ length: 8 }, (_, i) => i + 0.5);
    expect(formatTensor(eight, [8], 'float32', [], { linewidth: 30 })).toBe(
      'tensor([0.5000, 1.5000,\n        2.5000, 3.5000,\n        4.5000, 5.5000,\n        6.5000, 7.5000])',
    );
  });

  it('rejects data shorter than the shape', () => {
    expect(() => formatTensor([1, 2], [3], 'float32')).toThrow('shape [3] needs 3 values, got 2');
  });
});

describe("Python's float formatting", () => {
  // Each expected string is Python's format(x, spec) for the same double.
  it('fixed notation', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(-0, 4)).toBe('-0.0000');
    expect(formatFixed(-0.00001, 4)).toBe('-0.0000');
    expect(formatFixed(1e22, 1)).toBe('10000000000000000000000.0');
  });

  it('scientific notation', () => {
    expect(formatScientific(12344.5, 4)).toBe('1.2344e+04');
    expect(formatScientific(12345.5, 4)).toBe('1.2346e+04');
    expect(formatScientific(0, 4)).toBe('0.0000e+00');
    expect(formatScientific(-0, 4)).toBe('-0.0000e+00');
    expect(formatScientific(1e100, 4)).toBe('1.0000e+100');
    expect(formatScientific(5e-324, 4)).toBe('4.9407e-324');
    // Rounding carries into a new digit.
    expect(formatScientific(9.99995, 4)).toBe('1.0000e+01');
    expect(formatScientific(Math.fround(1e-5), 4)).toBe('1.0000e-05');
  });
});
