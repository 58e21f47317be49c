import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { execOrThrow } from '../lib/exec.js';
import { repoRoot, type WorkspacePackage, workspacePackages } from '../lib/workspace.js';

export interface BundleSize {
  /** Minified bytes. */
  minBytes: number;
  /** Minified, then gzipped at level 9. */
  gzipBytes: number;
}

export interface ModuleShare {
  /** Source file, relative to the repository root. */
  module: string;
  /** Minified bytes it contributes. */
  bytes: number;
}

export interface SizeReport {
  packageName: string;
  /** `export * from '<package>'`: everything a program could use. */
  full: BundleSize;
  /**
   * `.wasm` files in the tarball (a wasm inlined in JS counts in `full`); `referenced` says
   * whether the bundled code names the file at all.
   */
  wasm: { file: string; bytes: number; gzipBytes: number; referenced: boolean }[];
  /** Code plus shipped `.wasm`, gzipped. */
  totalGzipBytes: number;
  /** A program that imports only `corr2d`. */
  corr2dOnly: BundleSize;
  /** corr2dOnly.minBytes / full.minBytes. */
  corr2dShare: number;
  /** From the TypeScript sources: what the corr2d-only program keeps, largest first. */
  corr2dModules: ModuleShare[];
  /** From the TypeScript sources: modules of the full bundle the corr2d-only program drops. */
  droppedModules: ModuleShare[];
}

const FULL_PROGRAM = (name: string) => `export * from '${name}';\n`;
const CORR2D_PROGRAM = (name: string) =>
  `import { corr2d } from '${name}';\nexport function edges(X, K) {\n  return corr2d(X, K);\n}\n`;

interface Bundled extends BundleSize {
  code: string;
  metafile: Metafile;
}

/**
 * Bundles `program` for the browser as a user's bundler would (minified ESM, tree-shaken,
 * resolving `@fovea/*` through each package's `exports`); with `fromSource`, through the
 * `@fovea/source` condition instead, so the metafile tells which source file each byte is from.
 */
async function bundle(program: string, resolveDir: string, fromSource: boolean): Promise<Bundled> {
  const result = await build({
    stdin: { contents: program, resolveDir, sourcefile: 'program.js', loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: fromSource ? ['@fovea/source'] : [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    minBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    code: new TextDecoder().decode(code),
    metafile: result.metafile,
  };
}

function moduleShares(metafile: Metafile): ModuleShare[] {
  const output = Object.values(metafile.outputs)[0];
  if (!output) return [];
  return Object.entries(output.inputs)
    .map(([path, input]) => ({
      module: relative(repoRoot, join(process.cwd(), path)),
      bytes: input.bytesInOutput,
    }))
    .filter((share) => share.bytes > 0 && !share.module.startsWith('..'))
    .sort((a, b) => b.bytes - a.bytes);
}

/** The `.wasm` files `pnpm pack` would put in the package's tarball, with their sizes. */
function shippedWasm(pkg: WorkspacePackage, code: string): SizeReport['wasm'] {
  const { stdout } = execOrThrow('pnpm', ['pack', '--dry-run', '--json'], { cwd: pkg.dir });
  const listing = JSON.parse(stdout) as { files: { path: string }[] };
  return listing.files
    .map((f) => f.path)
    .filter((path) => path.endsWith('.wasm'))
    .map((file) => {
      const bytes = readFileSync(join(pkg.dir, file));
      const referenced = code.includes(file.split('/').pop() ?? file);
      return {
        file,
        bytes: bytes.byteLength,
        gzipBytes: gzipSync(bytes, { level: 9 }).byteLength,
        referenced,
      };
    });
}

/** Sizes of a workspace package as a browser bundle would include it, and of a corr2d-only program. */
export async function measurePackage(packageName = '@fovea/tensor'): Promise<SizeReport> {
  const packages = workspacePackages();
  const pkg = packages.find((p) => p.name === packageName);
  if (!pkg) throw new Error(`measurePackage: no workspace package named ${packageName}`);
  // A folder outside the workspace where the package is installed (a link, as pnpm makes it).
  const project = mkdtempSync(join(tmpdir(), 'fovea-size-'));
  try {
    const scope = join(project, 'node_modules', '@fovea');
    mkdirSync(scope, { recursive: true });
    symlinkSync(pkg.dir, join(scope, packageName.replace('@fovea/', '')), 'dir');
    const full = await bundle(FULL_PROGRAM(packageName), project, false);
    const corr2d = await bundle(CORR2D_PROGRAM(packageName), project, false);
    const fullSource = moduleShares((await bundle(FULL_PROGRAM(packageName), project, true)).metafile);
    const corr2dModules = moduleShares((await bundle(CORR2D_PROGRAM(packageName), project, true)).metafile);
    const kept = new Set(corr2dModules.map((share) => share.module));
    const wasm = shippedWasm(pkg, full.code);
    return {
      packageName,
      full: { minBytes: full.minBytes, gzipBytes: full.gzipBytes },
      wasm,
      totalGzipBytes: full.gzipBytes + wasm.reduce((sum, w) => sum + w.gzipBytes, 0),
      corr2dOnly: { minBytes: corr2d.minBytes, gzipBytes: corr2d.gzipBytes },
      corr2dShare: corr2d.minBytes / full.minBytes,
      corr2dModules,
      droppedModules: fullSource.filter((share) => !kept.has(share.module)),
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}
