import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { type ExecResult, exec } from '../lib/exec.js';
import { repoRoot } from '../lib/workspace.js';

/** The module systems a TypeScript user of the packages may compile with. */
export const TYPE_CHECK_MODES = ['node16', 'bundler'] as const;
export type TypeCheckMode = (typeof TYPE_CHECK_MODES)[number];

export interface SmokeResult {
  /** `node smoke.mjs`: the smoke script with its types stripped, run as ESM. */
  esm: ExecResult;
  /** `tsc --noEmit` over smoke.ts against the installed packages' shipped `.d.ts`. */
  types: Record<TypeCheckMode, ExecResult>;
}

const smokeFolder = fileURLToPath(new URL('./smoke/', import.meta.url));
const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');

/** The smoke script of a package: `smoke/<folder>.ts` (`@fovea/tensor` -> `smoke/tensor.ts`). */
export function smokeSource(packageName: string): string {
  return readFileSync(join(smokeFolder, `${packageName.replace(/^@fovea\//, '')}.ts`), 'utf8');
}

function tsconfig(mode: TypeCheckMode): object {
  return {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      ...(mode === 'node16'
        ? { module: 'Node16', moduleResolution: 'Node16' }
        : { module: 'ESNext', moduleResolution: 'Bundler' }),
      strict: true,
      noEmit: true,
      // The shipped .d.ts are checked too: a type they name from an undeclared package fails.
      skipLibCheck: false,
      skipDefaultLibCheck: true,
      types: [],
    },
    files: ['smoke.ts'],
  };
}

/**
 * Runs one smoke script in a project where the packages are installed: as ESM with Node (types
 * stripped by esbuild, imports untouched) and through `tsc --noEmit` under both module resolutions.
 */
export function runSmoke(projectDir: string, source: string): SmokeResult {
  writeFileSync(join(projectDir, 'smoke.ts'), source);
  const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'es2022' });
  writeFileSync(join(projectDir, 'smoke.mjs'), code);
  const esm = exec(process.execPath, ['smoke.mjs'], { cwd: projectDir, timeoutMs: 60_000 });
  const types = {} as Record<TypeCheckMode, ExecResult>;
  for (const mode of TYPE_CHECK_MODES) {
    const config = `tsconfig.${mode}.json`;
    writeFileSync(join(projectDir, config), `${JSON.stringify(tsconfig(mode), null, 2)}\n`);
    types[mode] = exec(process.execPath, [tsc, '--noEmit', '-p', config], {
      cwd: projectDir,
      timeoutMs: 60_000,
    });
  }
  return { esm, types };
}
