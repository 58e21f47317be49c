import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import CrossCorrelationFigure from './components/CrossCorrelationFigure.vue';
import EdgeDetectionFigure from './components/EdgeDetectionFigure.vue';
import KernelPlayground from './components/KernelPlayground.vue';
import LenetTrainer from './components/LenetTrainer.vue';
import ReceptiveFieldExplorer from './components/ReceptiveFieldExplorer.vue';
import ReceptiveFieldFigure from './components/ReceptiveFieldFigure.vue';
import RunnableCode from './components/RunnableCode.vue';
import './style.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunnableCode', RunnableCode);
    app.component('KernelPlayground', KernelPlayground);
    app.component('LenetTrainer', LenetTrainer);
    app.component('ReceptiveFieldExplorer', ReceptiveFieldExplorer);
    app.component('ReceptiveFieldFigure', ReceptiveFieldFigure);
    app.component('CrossCorrelationFigure', CrossCorrelationFigure);
    app.component('EdgeDetectionFigure', EdgeDetectionFigure);
  },
} satisfies Theme;
