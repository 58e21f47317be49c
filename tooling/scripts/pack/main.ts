// `pnpm test:pack`: packs every published package and proves each installs and runs on its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indent } from '../lib/exec.js';
import { PackagingTest } from './run.js';

const workDir = mkdtempSync(join(tmpdir(), 'fovea-pack-'));
const keep = process.argv.includes('--keep');
let failed = 0;
try {
  const test = new PackagingTest(workDir);
  test.pack();
  for (const pkg of test.packages) {
    const started = Date.now();
    const problems = [...test.checkTarball(pkg.name), ...test.checkInstall(pkg.name)];
    const deps = test.tarballsFor(pkg.name).length - 1;
    const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    if (problems.length === 0) {
      console.log(`ok   ${pkg.name} (with ${deps} dependencies; ESM and TypeScript smoke; ${took})`);
    } else {
      failed++;
      console.log(`FAIL ${pkg.name}`);
      for (const problem of problems) console.log(indent(`- ${problem}`, '     '));
    }
  }
} finally {
  if (keep) console.log(`work folder kept: ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}
if (failed > 0) {
  console.log(`${failed} package(s) would not work when installed from npm`);
  process.exitCode = 1;
}
