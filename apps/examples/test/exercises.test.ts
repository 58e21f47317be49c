import { tensor } from '@fovea/tensor';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckError, check, checkClose, thrown } from '../src/lib/check.js';
import { runExamples } from './helpers/run.js';

const EXERCISES = [
  'diagonal',
  'direction',
  'second-derivative',
  'blur',
  'derivative-order',
  'autograd',
  'matmul',
];

describe('exercises', () => {
  it('works every exercise and checks every answer', () => {
    const out = runExamples(['exercises']);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const headings = out.stdout.split('\n').filter((l) => l.startsWith('## Exercise: '));
    expect(headings).toHaveLength(EXERCISES.length);
    expect(out.stdout.split('\n').filter((l) => l.startsWith('✓ ')).length).toBeGreaterThan(40);
    expect(out.stdout).toContain(`${EXERCISES.length} exercise(s), every answer checked`);
    expect(out.stdout).not.toContain('check failed');
  });

  it('gives the answers the chapter asks for', () => {
    const out = runExamples(['exercises']).stdout;
    // Diagonal edges: K finds the diagonal; the transposes flip the sign and move it.
    expect(out).toContain('✓ corr2d(X, K) is 1 at (i, i) and 0 elsewhere');
    expect(out).toContain('✓ corr2d(X.t(), K) is -1 at (i, i - 1)');
    expect(out).toContain('✓ corr2d(X, K.t()) equals corr2d(X.t(), K).t()');
    // Any direction v, verified on ramps.
    expect(out).toContain('✓ on a ramp the response is v . grad f everywhere');
    // Second derivative: [1, -2, 1], minimum size 3.
    expect(out).toContain('so the kernel is [[1, -2, 1]]. Its size is at');
    expect(out).toContain('✓ on j^2 the response is the second derivative, 2, everywhere');
    // Blur: sums to 1 and smooths.
    expect(out).toContain('✓ box: the weights sum to 1');
    expect(out).toContain('✓ gaussian: the weights sum to 1');
    // Derivative of order d: d + 1.
    expect(out).toContain('✓ d = 2: [1, -2, 1] (size 3) sends j^2 to 2! = 2');
    expect(out).toContain('✓ d = 5: [-1, 5, -10, 10, -5, 1] (size 6) sends j^5 to 5! = 120');
    expect(out).toContain('✓    no kernel of size 5 works');
    // Autograd of the from-scratch Conv2D, against the hand computation.
    expect(out).toContain('✓ autograd dL/dW equals corr2d(X, G)');
    expect(out).toContain('✓ autograd dL/db equals sum G');
    // Cross-correlation as a matrix product.
    expect(out).toContain('✓ with channels, batches, stride and padding');
  });

  it('runs one exercise by name, and rejects unknown ones', () => {
    const one = runExamples(['exercises', 'matmul']);
    expect(one.status).toBe(0);
    expect(one.stdout.split('\n')[0]).toBe('## Exercise: Cross-correlation as a matrix product');
    expect(one.stdout).toContain('1 exercise(s), every answer checked');
    const bad = runExamples(['exercises', 'nope']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("exercises: unknown exercise 'nope' (expected one of: diagonal,");
  });

  it('holds with other seeds', () => {
    expect(runExamples(['exercises', 'blur', 'autograd', 'matmul', '--seed', '7']).status).toBe(0);
  });
});

describe('the checks behind the answers fail loudly', () => {
  beforeEach(() => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    return () => vi.restoreAllMocks();
  });

  it('check throws a CheckError naming the claim', () => {
    expect(() => check('two plus two is five', 2 + 2 === 5, 'got 4')).toThrow(
      new CheckError('check failed: two plus two is five (got 4)'),
    );
  });

  it('checkClose compares shapes and values with tolerances', () => {
    expect(() => checkClose('same', tensor([1, 2]), tensor([1, 2.5]))).toThrow(/check failed: same \(off by/);
    expect(() => checkClose('shape', tensor([1, 2]), tensor([[1, 2]]))).toThrow(/shapes \[2\] and \[1, 2\]/);
    expect(() => checkClose('nan', tensor([Number.NaN]), tensor([0]))).toThrow(CheckError);
    expect(() => checkClose('close', tensor([1, 2]), tensor([1, 2 + 1e-7]))).not.toThrow();
  });

  it('thrown fails when nothing is thrown', () => {
    expect(() => thrown('it throws', () => 1)).toThrow(/it did not throw/);
  });
});
