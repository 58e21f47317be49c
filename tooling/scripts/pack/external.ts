import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execOrThrow } from '../lib/exec.js';
import { repoRoot } from '../lib/workspace.js';

/**
 * The packages from outside Fovea that a library may depend on at run time, each pinned to one
 * exact version: @fovea/onnx reads and writes ONNX's protobuf with protobufjs. Anything else
 * outside the workspace is still an error (users get no surprise downloads).
 */
export const EXTERNAL_DEPENDENCIES: Readonly<Record<string, string>> = { protobufjs: '8.8.1' };

/** Why `dep@range` may not be a runtime dependency of a library, or null if it may. */
export function externalDependencyProblem(dep: string, range: string): string | null {
  const pinned = EXTERNAL_DEPENDENCIES[dep];
  if (pinned === undefined) {
    return (
      `external runtime dependency ${dep}@${range}: Fovea's packages may depend only on each other and on ` +
      `${Object.keys(EXTERNAL_DEPENDENCIES).join(', ')} (the packaging test installs offline from Fovea's own tarballs, ` +
      'and users get no surprise downloads)'
    );
  }
  return range === pinned
    ? null
    : `external runtime dependency ${dep} should be pinned to "${pinned}", got "${range}"`;
}

/** The folder pnpm installed `name@version` in, inside the workspace's virtual store. */
function installedFolder(name: string, version: string): string {
  const folder = join(
    repoRoot,
    'node_modules/.pnpm',
    `${name.replace('/', '+')}@${version}`,
    'node_modules',
    name,
  );
  if (!existsSync(folder))
    throw new Error(`${name}@${version} is not installed in the workspace (run pnpm install)`);
  return realpathSync(folder);
}

/**
 * Tarballs of an allowed external package and of everything it depends on, made from the
 * copies pnpm installed (the registry's files), so the offline install can satisfy them.
 */
export function packExternal(name: string, destination: string): string[] {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  const visit = (folder: string): void => {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      dependencies?: Record<string, string>;
    };
    const id = `${manifest.name}@${manifest.version}`;
    if (tarballs.has(id)) return;
    const tarball = join(destination, `${manifest.name.replace('/', '__')}-${manifest.version}.tgz`);
    // npm reads any gzipped tar whose top folder is `package/`.
    const leaf = basename(folder);
    execOrThrow('tar', ['-czf', tarball, '-C', dirname(folder), `--transform=s,^${leaf},package,`, leaf], {
      cwd: destination,
    });
    tarballs.set(id, tarball);
    // pnpm links a package's dependencies beside it, in the node_modules of its store folder.
    const nodeModules = folder.slice(0, folder.lastIndexOf('/node_modules/') + '/node_modules'.length);
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const linked = join(nodeModules, dep);
      if (!existsSync(linked)) throw new Error(`cannot find ${dep}, a dependency of ${id}, in the workspace`);
      visit(realpathSync(linked));
    }
  };
  const version = EXTERNAL_DEPENDENCIES[name];
  if (version === undefined) throw new Error(`${name} is not an allowed external dependency`);
  visit(installedFolder(name, version));
  return [...tarballs.values()];
}
