import { defineConfig } from 'vitepress';
import { en, zh } from './locales';
import { noNodeBuiltins } from './no-node-builtins';
import { runnableFences } from './runnable-fences';

// Workspace packages resolve to their TypeScript sources, so the site never needs their dist/.
const conditions = ['@fovea/source'];

export default defineConfig({
  title: 'Fovea',
  description: 'Deep learning around convolution, in TypeScript, with PyTorch semantics',
  srcExclude: ['README.md', 'test/**', 'scripts/**'],
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  locales: {
    root: { label: 'English', lang: 'en-US', ...en },
    zh: { label: '简体中文', lang: 'zh-CN', link: '/zh/', ...zh },
  },
  themeConfig: {
    logo: '/logo.svg',
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: 'https://github.com/fovea-js/fovea' }],
  },
  markdown: {
    config: (md) => {
      md.use(runnableFences);
    },
  },
  vite: {
    resolve: { conditions },
    ssr: { noExternal: [/^@fovea\//], resolve: { conditions } },
    plugins: [noNodeBuiltins()],
    // The local search index of the API pages is the one big chunk, loaded only on search.
    build: { chunkSizeWarningLimit: 1024 },
  },
});
