import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tooling/scripts/lib/workspace.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

export type DependencyMap = Record<string, string>;

/** The fields of a package.json the tooling reads; anything else is carried along untyped. */
export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  description?: string;
  keywords?: string[];
  license?: string;
  repository?: string | { type?: string; url?: string; directory?: string };
  homepage?: string;
  type?: string;
  main?: string;
  module?: string;
  types?: string;
  typings?: string;
  exports?: unknown;
  files?: string[];
  engines?: Record<string, string>;
  sideEffects?: boolean | string[];
  dependencies?: DependencyMap;
  peerDependencies?: DependencyMap;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: DependencyMap;
  devDependencies?: DependencyMap;
  publishConfig?: { access?: string; exports?: unknown; [field: string]: unknown };
  scripts?: Record<string, string>;
  [field: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** Path relative to the repository root, for example `packages/tensor`. */
  folder: string;
  manifest: PackageManifest;
}

export function readManifest(dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest;
}

/**
 * What a package needs at run time: the dependencies an install brings along with it. Optional
 * peers are not among them: an install does not bring them, and the code loads them only when
 * asked to (as @fovea/tensor/webgpu loads `webgpu` in Node).
 */
export function runtimeDependencies(manifest: PackageManifest): DependencyMap {
  const optional = optionalPeerDependencies(manifest);
  const peers = Object.entries(manifest.peerDependencies ?? {}).filter(([name]) => !(name in optional));
  return {
    ...manifest.dependencies,
    ...manifest.optionalDependencies,
    ...Object.fromEntries(peers),
  };
}

/** Peer dependencies marked optional in `peerDependenciesMeta`: a user installs them to use a feature. */
export function optionalPeerDependencies(manifest: PackageManifest): DependencyMap {
  const meta = manifest.peerDependenciesMeta ?? {};
  return Object.fromEntries(
    Object.entries(manifest.peerDependencies ?? {}).filter(([name]) => meta[name]?.optional === true),
  );
}

/** Every package under packages/*, published or not, in dependency order (dependencies first). */
export function libraryPackages(root = repoRoot): WorkspacePackage[] {
  const parent = join(root, 'packages');
  const found = readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json')))
    .map((entry) => {
      const dir = join(parent, entry.name);
      const manifest = readManifest(dir);
      return { name: manifest.name, dir, folder: `packages/${entry.name}`, manifest };
    });
  return dependencyOrder(found);
}

/** The packages under packages/* that npm users install. */
export function publishedPackages(root = repoRoot): WorkspacePackage[] {
  return libraryPackages(root).filter((pkg) => pkg.manifest.private !== true);
}

/** Sorts packages so each comes after the workspace packages it depends on; a cycle is an error. */
export function dependencyOrder(packages: readonly WorkspacePackage[]): WorkspacePackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const ordered: WorkspacePackage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (pkg: WorkspacePackage, path: string[]): void => {
    const seen = state.get(pkg.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`dependency cycle: ${[...path, pkg.name].join(' -> ')}`);
    state.set(pkg.name, 'visiting');
    for (const dep of Object.keys(runtimeDependencies(pkg.manifest)).sort()) {
      const target = byName.get(dep);
      if (target) visit(target, [...path, pkg.name]);
    }
    state.set(pkg.name, 'done');
    ordered.push(pkg);
  };
  for (const pkg of [...packages].sort((a, b) => a.name.localeCompare(b.name))) visit(pkg, []);
  return ordered;
}

/**
 * `name` and the workspace packages it needs at run time, transitively, dependencies first:
 * exactly the tarballs a user's `npm install name` would download from the registry.
 */
export function dependencyClosure(packages: readonly WorkspacePackage[], name: string): WorkspacePackage[] {
  const byName = new Map(packages.map((pkg) => [pkg.name, pkg]));
  const needed = new Set<string>();
  const walk = (current: string): void => {
    if (needed.has(current)) return;
    const pkg = byName.get(current);
    if (!pkg) return;
    needed.add(current);
    for (const dep of Object.keys(runtimeDependencies(pkg.manifest))) walk(dep);
  };
  walk(name);
  return dependencyOrder(packages).filter((pkg) => needed.has(pkg.name));
}

/** Packages that depend on `name`, directly or through others. */
export function dependents(packages: readonly WorkspacePackage[], name: string): Set<string> {
  const result = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const pkg of packages) {
      if (result.has(pkg.name) || pkg.name === name) continue;
      const deps = Object.keys({ ...runtimeDependencies(pkg.manifest), ...pkg.manifest.devDependencies });
      if (deps.some((dep) => dep === name || result.has(dep))) {
        result.add(pkg.name);
        grew = true;
      }
    }
  }
  return result;
}

/**
 * Every package of the workspace (libraries, apps and tooling), from pnpm-workspace.yaml's
 * `packages` list; entries are folders or `folder/*`.
 */
export function workspacePackages(root = repoRoot): WorkspacePackage[] {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\s*\n((?:[ \t]+-[^\n]*\n?)+)/m.exec(yaml);
  if (!block?.[1]) throw new Error(`pnpm-workspace.yaml in ${root}: no \`packages:\` list`);
  const patterns = block[1]
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*-\s*/, '')
        .replace(/^['"]|['"]$/g, '')
        .trim(),
    )
    .filter(Boolean);
  const folders = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    if (!existsSync(join(root, parent))) return [];
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}`);
  });
  return folders
    .filter((folder) => existsSync(join(root, folder, 'package.json')))
    .map((folder) => {
      const dir = join(root, folder);
      const manifest = readManifest(dir);
      return { name: manifest.name, dir, folder, manifest };
    });
}
