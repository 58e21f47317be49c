import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execOrThrow } from '../lib/exec.js';
import type { PackageManifest } from '../lib/workspace.js';

/** A package as npm users receive it: the tarball, unpacked, with the manifest pnpm rewrote. */
export interface PackedPackage {
  name: string;
  version: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Absolute path of the unpacked `package/` folder. */
  root: string;
  /** Every file in the tarball, relative to `root`, with forward slashes, sorted. */
  files: string[];
  /** The package.json inside the tarball (workspace: ranges and publishConfig applied). */
  manifest: PackageManifest;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path, base) : [relative(base, path).split('\\').join('/')];
  });
}

/**
 * `pnpm pack`s the package in `dir` into `destination` and unpacks the tarball next to it, the
 * way the registry would serve it (pnpm applies `publishConfig` and rewrites `workspace:` ranges).
 */
export function packPackage(dir: string, destination: string): PackedPackage {
  mkdirSync(destination, { recursive: true });
  const { stdout } = execOrThrow('pnpm', ['pack', '--pack-destination', destination, '--json'], { cwd: dir });
  const report = JSON.parse(stdout) as { name: string; version: string; filename: string };
  const tarball = report.filename.startsWith('/') ? report.filename : join(destination, report.filename);
  const unpacked = join(destination, 'unpacked', report.name.replace('/', '__'));
  mkdirSync(unpacked, { recursive: true });
  execOrThrow('tar', ['-xzf', tarball, '-C', unpacked], { cwd: destination });
  const root = join(unpacked, 'package');
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageManifest;
  return {
    name: report.name,
    version: report.version,
    tarball,
    root,
    files: listFiles(root).sort(),
    manifest,
  };
}
