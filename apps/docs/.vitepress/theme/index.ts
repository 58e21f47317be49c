import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import KernelPlayground from './components/KernelPlayground.vue';
import ReceptiveFieldExplorer from './components/ReceptiveFieldExplorer.vue';
import RunnableCode from './components/RunnableCode.vue';
import './style.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunnableCode', RunnableCode);
    app.component('KernelPlayground', KernelPlayground);
    app.component('ReceptiveFieldExplorer', ReceptiveFieldExplorer);
  },
} satisfies Theme;
