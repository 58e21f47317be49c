import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SOURCE_HASH, WASM_BASE64 } from '../../src/kernels/wasm/binary.generated.js';
import { embeddedBinary } from '../../src/kernels/wasm/embedded.js';
import { ITEM_KERNELS } from '../../src/kernels/wasm/runtime.js';
import { withSharedMemory } from '../../src/kernels/wasm/shared-memory.js';

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

const built = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'wasm');

describe('embedded WebAssembly', () => {
  it('was built from the current assembly/ sources (else run build:wasm)', () => {
    expect(SOURCE_HASH).toBe(sourceHash());
  });

  it('imports one memory, private or shared, and exports every item kernel', () => {
    for (const shared of [false, true]) {
      const m = new WebAssembly.Module(embeddedBinary(shared));
      expect(WebAssembly.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const names = WebAssembly.Module.exports(m).map((e) => e.name);
      for (const kernel of ITEM_KERNELS) expect(names).toContain(kernel);
      const memory = shared
        ? new WebAssembly.Memory({ initial: 1, maximum: 32768, shared: true })
        : new WebAssembly.Memory({ initial: 1 });
      expect(() => new WebAssembly.Instance(m, { env: { memory } })).not.toThrow();
    }
  });

  it('has both sides of its interface generated from scripts/wasm-abi.mjs (else run build:wasm)', async () => {
    const abi = await import(pathToFileURL(path.join(assembly, '..', 'scripts', 'wasm-abi.mjs')).href);
    const generated = (file: string) => readFileSync(path.join(assembly, '..', file), 'utf8');
    expect(generated('assembly/abi.generated.ts')).toBe(abi.assemblyAbi());
    expect(generated('src/kernels/wasm/abi.generated.ts')).toBe(abi.typescriptAbi());
  });

  it('ships no benchmark-only exports', () => {
    const names = WebAssembly.Module.exports(new WebAssembly.Module(embeddedBinary(false))).map(
      (e) => e.name,
    );
    expect(names).not.toContain('ceiling');
    expect(names).not.toContain('microKernelLoop');
  });

  it('is small enough to embed', () => {
    expect(WASM_BASE64.length).toBeLessThan(100_000);
  });

  it('derives the shared-memory module byte for byte as the shared build (wasm/fovea-shared.wasm)', () => {
    const single = new Uint8Array(readFileSync(path.join(built, 'fovea.wasm')));
    const shared = new Uint8Array(readFileSync(path.join(built, 'fovea-shared.wasm')));
    expect(Buffer.from(WASM_BASE64, 'base64').equals(single)).toBe(true);
    expect(Buffer.from(embeddedBinary(true)).equals(shared)).toBe(true);
  });

  it('makes every memory import shared and leaves the other imports as they are', () => {
    // (module (import "a" "f" (func)) (import "a" "g" (global i32)) (import "a" "t" (table 1 2 funcref))
    //   (import "env" "memory" (memory 2 9)))
    const plain = Uint8Array.from([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 38, 4, 1, 97, 1, 102, 0, 0, 1, 97, 1, 103, 3, 127, 0,
      1, 97, 1, 116, 1, 112, 1, 1, 2, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 1, 2, 9,
    ]);
    expect(WebAssembly.validate(plain)).toBe(true);
    const shared = withSharedMemory(plain, 300);
    expect(WebAssembly.validate(shared)).toBe(true);
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(shared));
    expect(imports.map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual([
      'a.f:function',
      'a.g:global',
      'a.t:table',
      'env.memory:memory',
    ]);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 300, shared: true });
    const global = new WebAssembly.Global({ value: 'i32' }, 0);
    const table = new WebAssembly.Table({ initial: 1, maximum: 2, element: 'anyfunc' });
    const env = { a: { f: () => {}, g: global, t: table }, env: { memory } };
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(shared), env)).not.toThrow();
    expect(() => withSharedMemory(plain.subarray(0, 14), 300)).toThrow(/import no memory/);
  });
});
