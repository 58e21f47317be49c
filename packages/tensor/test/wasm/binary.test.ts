import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MAXIMUM_PAGES,
  SOURCE_HASH,
  WASM_BASE64,
  WASM_SHARED_BASE64,
} from '../../src/kernels/wasm/binary.generated.js';
import { ITEM_KERNELS, MAXIMUM_PAGES as RUNTIME_MAXIMUM_PAGES } from '../../src/kernels/wasm/runtime.js';

/**
 * The embedded binaries (src/kernels/wasm/binary.generated.ts, committed so the package works
 * before any build) are those of the AssemblyScript sources: scripts/build-wasm.mjs records a
 * hash of assembly/*.ts, recomputed here. A failure means: run `pnpm --filter @fovea/tensor
 * build:wasm`.
 */

const assembly = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'assembly');

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(assembly).sort()) {
    if (!name.endsWith('.ts')) continue;
    hash.update(name);
    hash.update('\0');
    hash.update(readFileSync(path.join(assembly, name)));
  }
  return hash.digest('hex');
}

function module(base64: string): WebAssembly.Module {
  return new WebAssembly.Module(Buffer.from(base64, 'base64'));
}

describe('embedded WebAssembly', () => {
  it('was built from the current assembly/ sources (else run build:wasm)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });

  it('imports one memory, private or shared, and exports every item kernel', () => {
    for (const [base64, shared] of [
      [WASM_BASE64, false],
      [WASM_SHARED_BASE64, true],
    ] as const) {
      const m = module(base64);
      expect(WebAssembly.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const names = WebAssembly.Module.exports(m).map((e) => e.name);
      for (const kernel of ITEM_KERNELS) expect(names).toContain(kernel);
      const memory = shared
        ? new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true })
        : new WebAssembly.Memory({ initial: 1 });
      expect(() => new WebAssembly.Instance(m, { env: { memory } })).not.toThrow();
    }
  });

  it('declares the maximum shared memory the runtime creates', () => {
    expect(RUNTIME_MAXIMUM_PAGES).toBe(MAXIMUM_PAGES);
  });

  it('is small enough to embed', () => {
    expect(WASM_BASE64.length + WASM_SHARED_BASE64.length).toBeLessThan(200_000);
  });
});
