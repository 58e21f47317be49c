import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

/**
 * A page in Debian's chromium with WebGPU on SwiftShader (TOOLCHAIN.md's flags), running a test
 * module bundled with esbuild and served on 127.0.0.1 (WebGPU needs a secure context). The page
 * sets `globalThis.fovea` to its API; `call` runs one of its functions. Shared by the chromium
 * tests of @fovea/tensor and @fovea/optim.
 */

const CHROMIUM = '/usr/bin/chromium';

/** Why chromium tests cannot run here (null when they can); throws under CI, where chromium must be installed. */
export function chromiumSkipReason(what: string): string | null {
  const reason = existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing; install it with apt-get install -y chromium`;
  if (reason !== null) {
    if (process.env.CI) throw new Error(`${reason} (tooling/scripts/ci-system-deps.sh should in CI)`);
    console.warn(`Skipping ${what}: ${reason}`);
  }
  return reason;
}

// Chromium's flags for WebGPU on SwiftShader; without --disable-gpu.
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumPage<Api> {
  call<K extends keyof Api>(
    name: K,
    ...args: Api[K] extends (...a: infer A) => unknown ? A : never
  ): Promise<Api[K] extends (...a: never[]) => infer R ? Awaited<R> : never>;
  close(): Promise<void>;
}

/** Bundles `entry` (a module that sets `globalThis.fovea`) and opens it in chromium. */
export async function openChromiumPage<Api>(entry: string): Promise<ChromiumPage<Api>> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Workspace packages from their TypeScript sources, as the tests resolve them.
    conditions: ['@fovea/source'],
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(script);
    } else {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><script type="module" src="/page.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const profile = await mkdtemp(join(tmpdir(), 'fovea-webgpu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => 'fovea' in globalThis);
  return {
    call: (name, ...args) =>
      page.evaluate(
        ([n, a]) =>
          (globalThis as unknown as { fovea: Record<string, (...x: unknown[]) => unknown> }).fovea[n](...a),
        [name as string, args] as const,
      ) as never,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
