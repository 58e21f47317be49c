import { afterEach, describe, expect, it } from 'vitest';
import { WASM_BASE64 } from '../../src/kernels/wasm/binary.generated.js';
import { compileModule, nodeBuiltin } from '../../src/kernels/wasm/node.js';

/**
 * compileModule sets V8's tiering flag for the kernels' compile alone and sets it back, and
 * leaves it alone where that could surprise: a process that chose its own tiering, or a V8
 * that may not know the flag.
 */

const binary = new Uint8Array(Buffer.from(WASM_BASE64, 'base64'));
const original = {
  getBuiltinModule: process.getBuiltinModule,
  execArgv: process.execArgv,
  v8: process.versions.v8,
};

afterEach(() => {
  process.getBuiltinModule = original.getBuiltinModule;
  process.execArgv = original.execArgv;
  Object.defineProperty(process.versions, 'v8', { value: original.v8, configurable: true });
});

/** Records the flags compileModule sets, through a stand-in for node:v8. */
function recordFlags(): string[] {
  const flags: string[] = [];
  const real = original.getBuiltinModule;
  process.getBuiltinModule = ((id: string) =>
    id === 'node:v8' ? { setFlagsFromString: (f: string) => flags.push(f) } : real(id)) as typeof real;
  return flags;
}

describe('compileModule', () => {
  it('compiles the kernels for the optimizing compiler only, then sets the flag back', () => {
    const flags = recordFlags();
    const module = compileModule(binary);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('convForward');
    expect(flags).toEqual(['--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering']);
  });

  it("keeps the process's own choice of tiering", () => {
    const flags = recordFlags();
    process.execArgv = [...original.execArgv, '--no-wasm-dynamic-tiering'];
    compileModule(binary);
    expect(flags).toEqual([]);
  });

  it('does not set the flag on a V8 that may not know it', () => {
    const flags = recordFlags();
    Object.defineProperty(process.versions, 'v8', { value: '14.1.0', configurable: true });
    compileModule(binary);
    expect(flags).toEqual([]);
  });

  it('sets the flag back when the compile fails', () => {
    const flags = recordFlags();
    expect(() => compileModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]))).toThrow(
      WebAssembly.CompileError,
    );
    expect(flags).toEqual(['--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering']);
  });

  it('finds no built-ins where there are none', () => {
    process.getBuiltinModule = undefined as unknown as typeof process.getBuiltinModule;
    expect(nodeBuiltin('node:v8')).toBeNull();
    expect(() => compileModule(binary)).not.toThrow();
  });
});
