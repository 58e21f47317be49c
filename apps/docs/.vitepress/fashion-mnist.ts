import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitepress';
import { FASHION_MNIST_PATH } from './theme/lib/lenet-protocol';

/** The 5,000/1,000-image subset that apps/examples ships (its README says how it was cut). */
const SOURCE = fileURLToPath(new URL('../../examples/assets/fashion-mnist/', import.meta.url));

const files = () => readdirSync(SOURCE).filter((name) => name.endsWith('.gz'));

/**
 * Serves the examples' Fashion-MNIST files under `FASHION_MNIST_PATH`: copied into the build,
 * and read from apps/examples by the dev server, so the repository holds them once.
 */
export function fashionMnist(): Plugin {
  let ssr = false;
  return {
    name: 'fovea-docs:fashion-mnist',
    configResolved(config) {
      ssr = Boolean(config.build.ssr);
    },
    configureServer(server) {
      server.middlewares.use(FASHION_MNIST_PATH, (request, response, next) => {
        const name = (request.url ?? '').replace(/^\//, '').split('?')[0];
        if (!files().includes(name)) return next();
        response.setHeader('content-type', 'application/octet-stream');
        response.end(readFileSync(SOURCE + name));
      });
    },
    generateBundle() {
      // The client bundle only: the server-side rendering build writes no public files.
      if (ssr) return;
      for (const name of files()) {
        this.emitFile({
          type: 'asset',
          fileName: `${FASHION_MNIST_PATH.slice(1)}${name}`,
          source: readFileSync(SOURCE + name),
        });
      }
    },
  };
}
