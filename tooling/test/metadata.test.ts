// Every package under packages/ is complete for npm: what users see, what tools resolve.
import { describe, expect, it } from 'vitest';
import { dependencyOrder, libraryPackages } from '../scripts/lib/workspace.js';
import { metadataProblems } from '../scripts/pack/metadata.js';

const packages = libraryPackages();
const names = new Set(packages.map((pkg) => pkg.name));

it('finds the libraries', () => {
  expect(packages.map((pkg) => pkg.name).sort()).toEqual(
    [
      '@fovea/autograd',
      '@fovea/data',
      '@fovea/nn',
      '@fovea/onnx',
      '@fovea/optim',
      '@fovea/receptive-field',
      '@fovea/tensor',
    ].sort(),
  );
});

it('dependencies point one way (no cycles)', () => {
  expect(() => dependencyOrder(packages)).not.toThrow();
});

describe.each(packages.map((pkg) => [pkg.name, pkg] as const))('%s', (_name, pkg) => {
  it('package.json is complete for npm', () => {
    expect(metadataProblems(pkg, names)).toEqual([]);
  });
});
