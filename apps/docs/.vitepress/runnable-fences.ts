import { transformSync } from 'esbuild';
import type { MarkdownRenderer } from 'vitepress';

/**
 * A fence written ```` ```ts run ```` is highlighted as usual and wrapped in `<RunnableCode>`,
 * with the snippet compiled at build time to plain JavaScript whose imports are `require()`
 * calls: the browser runs it with the Fovea packages injected and needs no TypeScript compiler.
 */
export function runnableFences(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, index, options, env, self) => {
    const html = fence(tokens, index, options, env, self);
    const token = tokens[index];
    if (!/^ts\s.*\brun\b/.test(token.info)) return html;
    const { code } = transformSync(token.content, {
      loader: 'ts',
      format: 'cjs',
      target: 'es2022',
      sourcefile: `${env.relativePath ?? 'page'}:${(token.map?.[0] ?? 0) + 2}`,
    });
    return `<RunnableCode code="${encodeURIComponent(code)}">${html}</RunnableCode>\n`;
  };
}
