// The packaging test must fail for the mistakes it exists to catch. Each case packs two small
// synthetic packages (fx-core, and fx-app which depends on it) with one mistake made on purpose.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackageManifest, WorkspacePackage } from '../scripts/lib/workspace.js';
import { PackagingTest } from '../scripts/pack/run.js';

type Files = Record<string, string>;
interface Fixture {
  manifest: PackageManifest;
  files: Files;
}

const workRoot = mkdtempSync(join(tmpdir(), 'fovea-pack-failures-'));
afterAll(() => rmSync(workRoot, { recursive: true, force: true }));

function basics(name: string): PackageManifest {
  return {
    name,
    version: '1.0.0',
    type: 'module',
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', 'LICENSE'],
  };
}

function core(): Fixture {
  return {
    manifest: basics('@fovea/fx-core'),
    files: {
      'dist/index.js': 'export function double(x) {\n  return 2 * x;\n}\n',
      'dist/index.d.ts': 'export declare function double(x: number): number;\n',
    },
  };
}

function app(): Fixture {
  return {
    manifest: { ...basics('@fovea/fx-app'), dependencies: { '@fovea/fx-core': '1.0.0' } },
    files: {
      'dist/index.js':
        "import { double } from '@fovea/fx-core';\nexport function quadruple(x) {\n  return double(double(x));\n}\n",
      'dist/index.d.ts': 'export declare function quadruple(x: number): number;\n',
    },
  };
}

const smoke: Record<string, { source: string; expected: string }> = {
  '@fovea/fx-core': {
    source: "import { double } from '@fovea/fx-core';\nconst y: number = double(21);\nconsole.log(y);\n",
    expected: '42\n',
  },
  '@fovea/fx-app': {
    source: "import { quadruple } from '@fovea/fx-app';\nconst y: number = quadruple(2);\nconsole.log(y);\n",
    expected: '8\n',
  },
};

let caseNumber = 0;

/** Writes the fixtures as package folders, packs them, and checks `name` the way the real test does. */
function check(fixtures: Fixture[], name: string): { tarball: string[]; install: string[] } {
  const root = join(workRoot, `case-${++caseNumber}`);
  const packages: WorkspacePackage[] = fixtures.map(({ manifest, files }) => {
    const dir = join(root, 'src', manifest.name.replace('@fovea/', ''));
    const all: Files = { 'README.md': `# ${manifest.name}\n`, LICENSE: 'MIT\n', ...files };
    all['package.json'] = `${JSON.stringify(manifest, null, 2)}\n`;
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return { name: manifest.name, dir, folder: dir, manifest };
  });
  const packaging = new PackagingTest(join(root, 'work'), packages);
  packaging.pack();
  const { source, expected } = smoke[name] ?? { source: '', expected: '' };
  return { tarball: packaging.checkTarball(name), install: packaging.checkInstall(name, source, expected) };
}

describe('the packaging test', () => {
  it('passes correct packages', () => {
    expect(check([core(), app()], '@fovea/fx-app')).toEqual({ tarball: [], install: [] });
  }, 60_000);

  it('fails on a missing `dependencies` entry', () => {
    const broken = app();
    delete broken.manifest.dependencies;
    const { tarball, install } = check([core(), broken], '@fovea/fx-app');
    expect(tarball).toEqual(['dist/index.js imports @fovea/fx-core, which is missing from "dependencies"']);
    expect(install.join('\n')).toMatch(/ESM smoke script failed[\s\S]*Cannot find package '@fovea\/fx-core'/);
  }, 60_000);

  it('fails on a broken `exports` map', () => {
    const broken = core();
    broken.manifest.exports = { '.': { types: './dist/index.d.ts', import: './dist/main.js' } };
    const { tarball, install } = check([broken], '@fovea/fx-core');
    expect(tarball).toEqual([
      'exports["."]["import"] points at "./dist/main.js", which is not in the tarball',
    ]);
    expect(install.join('\n')).toMatch(/ESM smoke script failed[\s\S]*Cannot find module/);
  }, 60_000);

  it('fails when a .wasm the code loads is not shipped', () => {
    const broken = core();
    broken.manifest.files = ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE'];
    broken.files['dist/kernels.wasm'] = '\0asm\x01\0\0\0';
    broken.files['dist/index.js'] =
      "import { readFileSync } from 'node:fs';\n" +
      "const wasm = readFileSync(new URL('./kernels.wasm', import.meta.url));\n" +
      'export function double(x) {\n  return wasm.length > 0 ? 2 * x : 0;\n}\n';
    const { tarball, install } = check([broken], '@fovea/fx-core');
    expect(tarball).toEqual([
      'dist/index.js loads "./kernels.wasm" at run time, but dist/kernels.wasm is not in the tarball',
    ]);
    expect(install.join('\n')).toMatch(/ESM smoke script failed[\s\S]*ENOENT[\s\S]*kernels\.wasm/);
  }, 60_000);

  it('fails when a file listed in `files` is missing', () => {
    const broken = core();
    broken.manifest.files = ['dist', 'README.md', 'LICENSE', 'wasm'];
    expect(check([broken], '@fovea/fx-core').tarball).toEqual([
      '"files" lists "wasm", but nothing by that name is in the tarball',
    ]);
  }, 60_000);

  it('fails when the types do not resolve', () => {
    const broken = core();
    // Extensionless relative imports resolve for a bundler but not under Node16's ESM rules.
    broken.files['dist/index.d.ts'] = "export { double } from './double';\n";
    broken.files['dist/double.d.ts'] = 'export declare function double(x: number): number;\n';
    const { tarball, install } = check([broken], '@fovea/fx-core');
    expect(tarball).toEqual([]);
    expect(install).toHaveLength(1);
    expect(install[0]).toMatch(
      /^types do not check with moduleResolution node16:[\s\S]*dist\/index\.d\.ts[\s\S]*TS2834/,
    );
  }, 60_000);

  it('fails on an external runtime dependency, and never fetches it', () => {
    const broken = core();
    broken.manifest.dependencies = { 'left-pad': '1.3.0' };
    const { tarball, install } = check([broken], '@fovea/fx-core');
    expect(tarball).toEqual([expect.stringMatching(/^external runtime dependency left-pad@1\.3\.0: /)]);
    expect(install.join('\n')).toMatch(/offline install[\s\S]*ENOTCACHED/);
  }, 60_000);

  it('accepts an allowed external dependency only at its pinned version, and installs it offline', () => {
    const loose = core();
    loose.manifest.dependencies = { protobufjs: '^8.0.0' };
    expect(check([loose], '@fovea/fx-core').tarball).toEqual([
      'external runtime dependency protobufjs should be pinned to "8.8.1", got "^8.0.0"',
    ]);
    const pinned = core();
    pinned.manifest.dependencies = { protobufjs: '8.8.1' };
    pinned.files['dist/index.js'] =
      "import protobuf from 'protobufjs/light.js';\nexport function double(x) {\n  return protobuf.Root ? 2 * x : 0;\n}\n";
    expect(check([pinned], '@fovea/fx-core')).toEqual({ tarball: [], install: [] });
  }, 60_000);
});
