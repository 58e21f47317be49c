import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGolden } from '@fovea/golden';

export { loadGolden };

/** apps/examples */
export const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The repository root: the nearest folder above the app holding pnpm-workspace.yaml. */
export const ROOT = (() => {
  let dir = APP_DIR;
  while (!existsSync(resolve(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`examples tests: no pnpm-workspace.yaml above ${APP_DIR}`);
    dir = parent;
  }
  return dir;
})();

const PACKAGES = ['autograd', 'tensor', 'nn', 'optim', 'receptive-field', 'data', 'onnx'];

/**
 * The app runs on the packages' built entry points, as an outside user would; without them the
 * spawned process would fail with a resolution error far from the cause.
 */
export function requireBuiltPackages(): void {
  const missing = PACKAGES.filter((name) => !existsSync(resolve(ROOT, 'packages', name, 'dist', 'index.js')));
  if (missing.length > 0) {
    throw new Error(
      `examples tests: ${missing.map((name) => `packages/${name}/dist`).join(', ')} missing. ` +
        "The examples app imports the packages' built dist entry points: run 'pnpm build' first (the root 'pnpm test' does).",
    );
  }
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx src/main.ts ...args` in apps/examples, as `pnpm examples` does (its `start` script),
 * with plain node resolution (no @fovea/source condition), so the packages come from dist.
 */
export function runExamples(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): RunResult {
  requireBuiltPackages();
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.NODE_OPTIONS;
  if (options.env?.INIT_CWD === undefined) delete env.INIT_CWD;
  const tsx = resolve(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const result = spawnSync(process.execPath, [tsx, resolve(APP_DIR, 'src', 'main.ts'), ...args], {
    cwd: options.cwd ?? APP_DIR,
    env,
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** PyTorch's repr of a chapter tensor, from golden/tensor_repr.json. */
export function chapterRepr(name: string): string {
  const golden = loadGolden<{ cases: Record<string, { repr: string }> }>('tensor_repr.json');
  const entry = golden.cases[name];
  if (entry === undefined) throw new Error(`examples tests: no case '${name}' in tensor_repr.json`);
  return entry.repr;
}

/** The output's lines from `block`'s first line on, if `block` appears there as whole lines. */
export function indexOfBlock(output: string, block: string, from = 0): number {
  const lines = output.split('\n');
  const wanted = block.split('\n');
  for (let i = from; i + wanted.length <= lines.length; i++) {
    if (wanted.every((line, k) => lines[i + k] === line)) return i;
  }
  return -1;
}

/** Output split into cells by the `## ` headings: heading -> the lines under it. */
export function cells(output: string): Map<string, string> {
  const map = new Map<string, string>();
  let title: string | null = null;
  let body: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('## ')) {
      if (title !== null) map.set(title, body.join('\n'));
      title = line.slice(3);
      body = [];
    } else body.push(line);
  }
  if (title !== null) map.set(title, body.join('\n'));
  return map;
}

/** The losses printed as `epoch N, loss L`. */
export function epochLosses(output: string): { epoch: number; loss: number }[] {
  return [...output.matchAll(/^epoch (\d+), loss (\d+\.\d{3})$/gm)].map((m) => ({
    epoch: Number(m[1]),
    loss: Number(m[2]),
  }));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fovea-examples-${prefix}-`));
}
