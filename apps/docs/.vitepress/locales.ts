import { existsSync, readFileSync } from 'node:fs';
import type { DefaultTheme, LocaleSpecificConfig } from 'vitepress';

type Locale = LocaleSpecificConfig<DefaultTheme.Config>;

/** The guide follows the chapter "Convolutions for Images", section by section. */
const GUIDE = [
  'getting-started',
  'cross-correlation',
  'convolutional-layers',
  'edge-detection',
  'learning-a-kernel',
  'convolution-vs-cross-correlation',
  'receptive-fields',
  'summary',
] as const;

/**
 * The API reference's sidebar, written by scripts/api.mjs with the pages it generates (each
 * package, its namespaces and classes); before the first `api` run, the packages alone.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = new URL('../api/sidebar.json', import.meta.url);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  return ['tensor', 'nn', 'optim', 'receptive-field', 'autograd'].map((name) => ({
    text: `@fovea/${name}`,
    link: `/api/${name}`,
  }));
}
const API = apiSidebar();

/** Pages beyond the chapter, in English in every locale. */
const BEYOND = [{ text: 'Moving models in and out', link: '/guide/moving-models' }];

function sidebar(prefix: string, titles: Record<(typeof GUIDE)[number], string>, labels: string[]) {
  const [guide, playgrounds, kernel, field, api, beyond, index, lenet] = labels;
  return [
    { text: guide, items: GUIDE.map((page) => ({ text: titles[page], link: `${prefix}/guide/${page}` })) },
    { text: beyond, items: BEYOND },
    {
      text: playgrounds,
      items: [
        { text: kernel, link: `${prefix}/playground/kernel` },
        { text: field, link: `${prefix}/playground/receptive-field` },
        { text: lenet, link: `${prefix}/playground/lenet` },
      ],
    },
    { text: api, collapsed: true, items: [{ text: index, link: `${prefix}/api/` }, ...API] },
  ];
}

export const en: Locale = {
  description: 'Deep learning around convolution, in TypeScript, with PyTorch semantics',
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Guide', link: '/guide/cross-correlation' },
      { text: 'Playgrounds', link: '/playground/kernel' },
      { text: 'Train LeNet', link: '/playground/lenet' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: sidebar(
      '',
      {
        'getting-started': 'Getting started',
        'cross-correlation': 'The cross-correlation operation',
        'convolutional-layers': 'Convolutional layers',
        'edge-detection': 'Object edge detection in images',
        'learning-a-kernel': 'Learning a kernel',
        'convolution-vs-cross-correlation': 'Cross-correlation and convolution',
        'receptive-fields': 'Feature map and receptive field',
        summary: 'Summary and exercises',
      },
      [
        'Convolutions for images',
        'Playgrounds',
        'Kernel playground',
        'Receptive-field explorer',
        'API',
        'Beyond the chapter',
        'Overview',
        'Train LeNet in your browser',
      ],
    ),
  },
};

export const zh: Locale = {
  description: '以卷积为核心的 TypeScript 深度学习工具包，语义与 PyTorch 一致',
  themeConfig: {
    nav: [
      { text: '快速上手', link: '/zh/guide/getting-started' },
      { text: '指南', link: '/zh/guide/cross-correlation' },
      { text: '交互演示', link: '/zh/playground/kernel' },
      { text: '训练 LeNet', link: '/zh/playground/lenet' },
      { text: 'API', link: '/zh/api/' },
    ],
    sidebar: sidebar(
      '/zh',
      {
        'getting-started': '快速上手',
        'cross-correlation': '互相关运算',
        'convolutional-layers': '卷积层',
        'edge-detection': '图像中目标的边缘检测',
        'learning-a-kernel': '学习卷积核',
        'convolution-vs-cross-correlation': '互相关和卷积',
        'receptive-fields': '特征映射和感受野',
        summary: '小结和练习',
      },
      [
        '图像卷积',
        '交互演示',
        '卷积核演示',
        '感受野浏览器',
        'API（英文）',
        '本章之外（英文）',
        '概览',
        '在浏览器中训练 LeNet',
      ],
    ),
    outline: { label: '本页目录' },
    docFooter: { prev: '上一页', next: '下一页' },
    notFound: { title: '页面未找到', quote: '这个页面不存在。', linkLabel: '回到首页', linkText: '回到首页' },
    langMenuLabel: '语言',
    returnToTopLabel: '回到顶部',
    sidebarMenuLabel: '目录',
    darkModeSwitchLabel: '外观',
    skipToContentLabel: '跳到正文',
  },
};
