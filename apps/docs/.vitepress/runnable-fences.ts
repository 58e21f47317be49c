import type { MarkdownRenderer } from 'vitepress';

/**
 * A fence written ```` ```ts run ```` is highlighted as usual and wrapped in `<RunnableCode>`
 * with its TypeScript source: in the browser the cell becomes an editor, and Run compiles and
 * runs whatever it holds (`.vitepress/theme/lib/run-snippet.ts`).
 */
export function runnableFences(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const html = fence(tokens, index, options, env, self);
    const token = tokens[index];
    if (!/^ts\s.*\brun\b/.test(token.info)) return html;
    return `<RunnableCode source="${encodeURIComponent(token.content)}">${html}</RunnableCode>\n`;
  };
}
