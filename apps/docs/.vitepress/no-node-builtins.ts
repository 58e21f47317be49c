import { builtinModules } from 'node:module';
import type { Plugin } from 'vitepress';

const BUILTINS = new Set(builtinModules);

/**
 * Fails the browser bundle when anything imports a Node-only module (`node:fs`, or a bare `fs`
 * from a Fovea package), naming the importer, instead of letting Vite stub it out silently and
 * break at run time in the reader's browser. Server-side rendering may use them.
 */
export function noNodeBuiltins(): Plugin {
  return {
    name: 'fovea-docs:no-node-builtins',
    enforce: 'pre',
    resolveId(source, importer, options) {
      if (options?.ssr || importer === undefined) return null;
      const bare = BUILTINS.has(source.split('/')[0]) && importer.includes('/packages/');
      if (!source.startsWith('node:') && !bare) return null;
      this.error(
        `${source} is Node-only but is imported by ${importer}, which the docs bundle for the browser. ` +
          'Keep Node I/O out of what the package index re-exports to browsers.',
      );
    },
  };
}
