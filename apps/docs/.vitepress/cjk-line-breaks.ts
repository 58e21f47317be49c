import type { MarkdownRenderer } from 'vitepress';

// Han characters, CJK punctuation and full-width forms.
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;

/**
 * A line break inside a paragraph renders as a space, which Chinese text does not have: the
 * source wraps `元素的` / `感受野` and the page shows "元素的 感受野". A soft break between two
 * CJK characters is dropped; next to Latin text or code it stays a space, as Chinese typesetting
 * puts one there.
 */
export function cjkLineBreaks(md: MarkdownRenderer): void {
  md.core.ruler.push('cjk_line_breaks', (state) => {
    for (const block of state.tokens) {
      const children = block.children;
      if (block.type !== 'inline' || !children) continue;
      for (let i = 1; i < children.length - 1; i++) {
        const [before, here, after] = [children[i - 1], children[i], children[i + 1]];
        if (here.type !== 'softbreak' || before.type !== 'text' || after.type !== 'text') continue;
        if (CJK.test(before.content.slice(-1)) && CJK.test(after.content.charAt(0))) {
          here.type = 'text';
          here.content = '';
        }
      }
    }
  });
}
