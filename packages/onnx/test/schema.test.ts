import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaModuleText } from '../scripts/schema-module.js';
import { scopePath, stateDictPrefix } from '../src/import/naming.js';

describe('the ONNX schema', () => {
  it('onnx-schema.generated.ts is the vendored onnx.proto (rerun generate:schema after replacing it)', () => {
    const proto = readFileSync(new URL('../src/schema/onnx.proto', import.meta.url), 'utf8');
    const generated = readFileSync(
      new URL('../src/schema/onnx-schema.generated.ts', import.meta.url),
      'utf8',
    );
    expect(generated).toBe(schemaModuleText(proto));
  });
});

describe('PyTorch-like names of imported layers', () => {
  it("from PyTorch's node scopes, containers qualifying their children", () => {
    expect(scopePath('/layer1/layer1.1/downsample/downsample.0/Conv')).toBe('layer1.1.downsample.0');
    expect(scopePath('/features/features.3/Conv')).toBe('features.3');
    expect(scopePath('/conv1/Conv')).toBe('conv1');
    expect(scopePath('/Conv')).toBeNull();
    expect(scopePath('Conv_12')).toBeNull();
  });

  it('from state-dict keys, not from generated names', () => {
    expect(stateDictPrefix('features.0.weight')).toBe('features.0');
    expect(stateDictPrefix('onnx::Conv_63')).toBeNull();
    expect(stateDictPrefix('weight')).toBeNull();
  });
});
