import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BrowserContext, chromium } from 'playwright-core';

export const DOCS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why the browser tests are skipped here, or null: only where chromium is missing outside CI
 * (in CI it must be there, and `requireChromium` fails the tests instead).
 */
export const chromiumSkipReason =
  existsSync(CHROMIUM) || process.env.CI === 'true'
    ? null
    : `${CHROMIUM} is missing; install it with apt-get install -y chromium (CI does)`;

/** Fails when chromium is missing although the tests were not skipped (in CI). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing in CI: tooling/scripts/ci-system-deps.sh should install it`);
  }
}

/** Builds the site (API pages included) into `outDir`, as `pnpm --filter docs build` does. */
export async function buildSite(outDir: string): Promise<void> {
  const run = promisify(execFile);
  const options = { cwd: DOCS_DIR, maxBuffer: 16 * 1024 * 1024 };
  await run(process.execPath, ['scripts/api.mjs'], options);
  await run(
    process.execPath,
    ['node_modules/vitepress/bin/vitepress.js', 'build', '--outDir', outDir],
    options,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Serves `root` on 127.0.0.1 at a free port; `/a/b` finds `a/b.html`, `/a/` finds `a/index.html`. */
export async function serveStatic(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
    for (const candidate of candidates) {
      const file = join(root, candidate);
      if (file.startsWith(root) && existsSync(file) && (await stat(file)).isFile()) {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(await readFile(file));
        return;
      }
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end(`not found: ${path}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Chromium's flags for WebGPU on SwiftShader, the CPU Vulkan chromium ships (TOOLCHAIN.md): it
 * gives `navigator.gpu` an adapter whose architecture is "swiftshader". Without --disable-gpu.
 */
const WEBGPU_FLAGS = [
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/**
 * Debian's chromium, headless, with a fresh profile that `close()` removes; with `webgpu`, a
 * software GPU for WebGPU, else none.
 */
export async function launchBrowser(
  options: { webgpu?: boolean } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'fovea-docs-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      ...(options.webgpu ? WEBGPU_FLAGS : ['--headless', '--disable-gpu']),
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
