import { defineConfig } from 'vitepress';
import { cjkLineBreaks } from './cjk-line-breaks';
import { fashionMnist } from './fashion-mnist';
import { en, zh } from './locales';
import { noNodeBuiltins } from './no-node-builtins';
import { runnableFences } from './runnable-fences';
import { sourceEntries } from './source-entries';

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
    search: {
      provider: 'local',
      options: {
        locales: {
          zh: {
            translations: {
              button: { buttonText: '搜索', buttonAriaLabel: '搜索' },
              modal: {
                displayDetails: '显示详情',
                resetButtonTitle: '清除查询',
                backButtonTitle: '关闭搜索',
                noResultsText: '没有找到结果',
                footer: {
                  selectText: '选择',
                  selectKeyAriaLabel: '回车',
                  navigateText: '切换',
                  navigateUpKeyAriaLabel: '上箭头',
                  navigateDownKeyAriaLabel: '下箭头',
                  closeText: '关闭',
                  closeKeyAriaLabel: 'Esc',
                },
              },
            },
          },
        },
      },
    },
    socialLinks: [{ icon: 'github', link: 'https://github.com/fovea-js/fovea' }],
  },
  markdown: {
    // Formulas in $...$ and $$...$$, typeset to SVG by MathJax at build time: no script or font
    // is fetched when the page opens.
    math: true,
    config: (md) => {
      md.use(runnableFences);
      md.use(cjkLineBreaks);
    },
  },
  vite: {
    resolve: { conditions },
    ssr: { noExternal: [/^@fovea\//], resolve: { conditions } },
    plugins: [noNodeBuiltins(), sourceEntries(), fashionMnist()],
    // The LeNet page's worker loads the 'webgpu' backend lazily, in a chunk of its own.
    worker: { format: 'es', plugins: () => [noNodeBuiltins(), sourceEntries()] },
    // The local search index of the API pages is the one big chunk, loaded only on search.
    build: { chunkSizeWarningLimit: 1024 },
  },
});
