// The reference folder describes itself: every data file is listed in the README and parses, and
// the seeded inputs replay.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, loadGolden, seededUniform } from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const jsonFiles = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith('.json'));

describe('tooling/golden/data', () => {
  it.each(jsonFiles)('%s is described in the README and parses', (file) => {
    expect(readme).toContain(`| ${file} |`);
    expect(loadGolden<object>(file)).toBeTypeOf('object');
  });
});

describe('seededUniform', () => {
  it('replays the same values for a seed, different ones for another seed, all in [-1, 1)', () => {
    const a = seededUniform(7, 1000, new Float64Array(1000));
    expect(seededUniform(7, 1000, new Float64Array(1000))).toEqual(a);
    expect(seededUniform(8, 1000, new Float64Array(1000))).not.toEqual(a);
    expect(a.every((v) => v >= -1 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.1);
  });

  it('rounds to float32 by default, from the same stream', () => {
    const exact = seededUniform(3, 64, new Float64Array(64));
    expect(seededUniform(3, 64)).toEqual(Float32Array.from(exact));
  });
});
