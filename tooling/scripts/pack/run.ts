import { join } from 'node:path';
import { describeFailure } from '../lib/exec.js';
import {
  dependencyClosure,
  publishedPackages,
  runtimeDependencies,
  type WorkspacePackage,
} from '../lib/workspace.js';
import { checkPackedPackage } from './check.js';
import { expectedOutput, outputMismatch } from './expectations.js';
import { EXTERNAL_DEPENDENCIES, packExternal } from './external.js';
import { installTarballs } from './install.js';
import { runSmoke, smokeSource, TYPE_CHECK_MODES } from './smoke.js';
import { type PackedPackage, packPackage } from './tarball.js';

/**
 * The packaging test over a set of packages, in a work folder outside the workspace:
 * `pack()` makes every tarball, then each package is checked statically (`checkTarball`) and by
 * installing it with its Fovea dependencies only and running its smoke script (`checkInstall`).
 */
export class PackagingTest {
  readonly packages: readonly WorkspacePackage[];
  readonly workDir: string;
  private readonly packed = new Map<string, PackedPackage>();

  constructor(workDir: string, packages: readonly WorkspacePackage[] = publishedPackages()) {
    this.workDir = workDir;
    this.packages = packages;
  }

  pack(): void {
    for (const pkg of this.packages) {
      this.packed.set(pkg.name, packPackage(pkg.dir, join(this.workDir, 'tarballs')));
    }
  }

  tarball(name: string): PackedPackage {
    const packed = this.packed.get(name);
    if (!packed) throw new Error(`${name} has not been packed (call pack() first)`);
    return packed;
  }

  /** Problems visible in the tarball itself: entry points, files, imports, dependencies. */
  checkTarball(name: string): string[] {
    return checkPackedPackage(this.tarball(name), new Set(this.packages.map((pkg) => pkg.name)));
  }

  /**
   * The tarballs a user's install of `name` would fetch: its own, its Fovea dependencies', and
   * those of the allowed external packages (EXTERNAL_DEPENDENCIES) they depend on.
   */
  tarballsFor(name: string): string[] {
    const closure = dependencyClosure(this.packages, name);
    const external = new Set(
      closure
        .flatMap((pkg) => Object.keys(runtimeDependencies(pkg.manifest)))
        .filter((dep) => dep in EXTERNAL_DEPENDENCIES),
    );
    return [
      ...closure.map((pkg) => this.tarball(pkg.name).tarball),
      ...[...external].flatMap((dep) => packExternal(dep, join(this.workDir, 'external'))),
    ];
  }

  /**
   * Installs `name` in a fresh project from its tarballs, offline, then runs the smoke script
   * as ESM and type-checks it; returns what went wrong.
   */
  checkInstall(name: string, source = smokeSource(name), expected = expectedOutput[name]): string[] {
    const project = join(this.workDir, 'projects', name.replace('/', '__'));
    const install = installTarballs(project, this.tarballsFor(name));
    if (install.status !== 0) {
      return [`offline install of ${name} and its dependencies failed: ${describeFailure(install, project)}`];
    }
    const problems: string[] = [];
    const { esm, types } = runSmoke(project, source);
    if (esm.status !== 0) {
      problems.push(`the ESM smoke script failed: ${describeFailure(esm, project)}`);
    } else {
      const mismatch = outputMismatch(name, esm.stdout, expected);
      if (mismatch) problems.push(mismatch);
    }
    for (const mode of TYPE_CHECK_MODES) {
      const result = types[mode];
      if (result.status !== 0) {
        problems.push(
          `types do not check with moduleResolution ${mode}: ${describeFailure(result, project)}`,
        );
      }
    }
    return problems;
  }
}
