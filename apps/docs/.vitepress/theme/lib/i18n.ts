import { useData } from 'vitepress';
import { type ComputedRef, computed } from 'vue';

/** The labels of an interactive component in the page's language (English or Simplified Chinese). */
export function useLabels<T>(labels: { en: T; zh: T }): ComputedRef<T> {
  const { lang } = useData();
  return computed(() => (lang.value.startsWith('zh') ? labels.zh : labels.en));
}
