import { afterEach, describe, expect, it } from 'vitest';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from '../../src/kernels/wasm/binary.generated.js';
import { compileModule, nodeBuiltin } from '../../src/kernels/wasm/node.js';
import { relaxedSimdBehindFlag } from './setup.js';

/**
 * compileModule sets V8's tiering flag for the kernels' compile alone and sets it back, and
 * leaves it alone where that could surprise: a process that chose its own tiering, or a V8
 * that may not know the flag. Relaxed SIMD's flag is set the same way, for a binary that does
 * not validate without it on a V8 that keeps the feature behind it (before 11.4, Node 20).
 */

const binary = new Uint8Array(Buffer.from(WASM_BASE64, 'base64'));
const relaxed = new Uint8Array(Buffer.from(WASM_RELAXED_BASE64, 'base64'));
const relaxedBehindFlag = relaxedSimdBehindFlag();
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

/**
 * Records the flags compileModule sets, through a stand-in for node:v8 that sets them too when
 * `passThrough`.
 */
function recordFlags(passThrough = false): string[] {
  const flags: string[] = [];
  const real = original.getBuiltinModule;
  const v8 = real('node:v8') as typeof import('node:v8');
  const setFlagsFromString = (f: string) => {
    flags.push(f);
    if (passThrough) v8.setFlagsFromString(f);
  };
  process.getBuiltinModule = ((id: string) =>
    id === 'node:v8' ? { setFlagsFromString } : real(id)) as typeof real;
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

  it('sets the flags back when the compile fails', () => {
    const flags = recordFlags();
    expect(() => compileModule(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 99]))).toThrow(
      WebAssembly.CompileError,
    );
    expect(flags).toEqual(
      relaxedBehindFlag
        ? [
            '--no-wasm-dynamic-tiering',
            '--experimental-wasm-relaxed-simd',
            '--wasm-dynamic-tiering',
            '--no-experimental-wasm-relaxed-simd',
          ]
        : ['--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering'],
    );
  });

  it("compiles the relaxed-SIMD build, with relaxed SIMD's flag for that compile only where V8 keeps it behind one", () => {
    const flags = recordFlags(true);
    const module = compileModule(relaxed);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('relaxedSimd');
    expect(flags.includes('--experimental-wasm-relaxed-simd')).toBe(relaxedBehindFlag);
    expect(flags.at(-1)).toBe(
      relaxedBehindFlag ? '--no-experimental-wasm-relaxed-simd' : '--wasm-dynamic-tiering',
    );
    expect(WebAssembly.validate(relaxed), 'relaxed SIMD validates after the compile').toBe(
      !relaxedBehindFlag,
    );
  });

  it('finds no built-ins where there are none', () => {
    process.getBuiltinModule = undefined as unknown as typeof process.getBuiltinModule;
    expect(nodeBuiltin('node:v8')).toBeNull();
    expect(() => compileModule(binary)).not.toThrow();
  });
});
