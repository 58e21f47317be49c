// The guide in chromium, in both languages: every runnable cell prints the chapter's output, a
// cell can be edited, run and reset, and the chapter's figures respond (test/harness.ts).
import { corr2d, ones, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { CHAPTER } from './chapter';
import { editorText, LANGUAGES, poll, runAll, useSite } from './harness';
import { chromiumSkipReason } from './site';

describe.skipIf(chromiumSkipReason !== null)(
  `the guide in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    const { visit } = useSite();

    for (const { name: lang, prefix } of LANGUAGES) {
      for (const [page, expected] of Object.entries(CHAPTER)) {
        it(`${lang}: ${page} prints the chapter's output`, async () => {
          await visit(`${prefix}/guide/${page}`, `${lang}-guide-${page}`, async (tab) => {
            const outputs = await runAll(tab);
            expect(outputs).toHaveLength(expected.length);
            expected.forEach((want, i) => {
              if (typeof want === 'string') expect(outputs[i], `block ${i + 1}`).toBe(want);
              else want(outputs[i]);
            });
          });
        });
      }

      for (const page of ['getting-started', 'summary']) {
        it(`${lang}: ${page} runs every cell without an error`, async () => {
          await visit(`${prefix}/guide/${page}`, `${lang}-guide-${page}`, async (tab) => {
            const outputs = await runAll(tab);
            expect(outputs.length).toBeGreaterThan(0);
            expect(await tab.locator('.runnable-output.failed').allTextContents()).toEqual([]);
          });
        });
      }
    }

    it('a cell can be edited and run, shows errors with their line, and resets', async () => {
      await visit('/guide/cross-correlation', 'en-cell-edited', async (tab) => {
        await runAll(tab);
        const cell = tab.getByTestId('runnable').nth(1);
        const original = await editorText(cell);
        const output = cell.getByTestId('output');
        const edited = original.replace('[0, 1],\n  [2, 3],', '[1, 1],\n  [1, 1],');
        expect(edited).not.toBe(original);
        await cell.getByTestId('editor').fill(edited);
        await cell.getByTestId('run').click();
        const X = tensor([
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
        ]);
        await poll(() => output.textContent()).toBe(String(corr2d(X, ones([2, 2]))));

        await cell
          .getByTestId('editor')
          .fill("import { tensor } from '@fovea/tensor';\n\ntensor([1, 2]).add(tensor([1, 2, 3]));");
        await cell.getByTestId('editor').press('Control+Enter');
        await poll(() => output.textContent()).toMatch(/^Error: .*\(line 3\)$/);
        // The line is marked in the editor too.
        const marked = await cell
          .locator('.cm-line')
          .evaluateAll((lines) =>
            lines.flatMap((line, i) => (line.classList.contains('cm-error-line') ? [i + 1] : [])),
          );
        expect(marked).toEqual([3]);
        await cell.getByTestId('editor').fill('const x: number = (;');
        await cell.getByTestId('run').click();
        await poll(() => output.textContent()).toMatch(/^SyntaxError: .*\(1:\d+\)$/);

        await cell.getByTestId('reset').click();
        await poll(() => output.textContent()).toBe(
          String(
            corr2d(
              X,
              tensor([
                [0, 1],
                [2, 3],
              ]),
            ),
          ),
        );
        expect(await editorText(cell)).toBe(original);
      });
    });

    it("the chapter's figures: the sliding window, the edge pictures, the receptive-field overlay", async () => {
      const X = [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ];
      const K = [
        [0, 1],
        [2, 3],
      ];
      const sum = (i: number, j: number) => {
        const terms = K.flatMap((row, a) => row.map((k, b) => [X[i + a][j + b], k]));
        return `${terms.map(([x, k]) => `${x}×${k}`).join(' + ')} = ${terms.reduce((t, [x, k]) => t + x * k, 0)}`;
      };
      await visit('/guide/cross-correlation', 'en-figure-cross-correlation', async (tab) => {
        expect(await tab.getByTestId('cc-sum').textContent()).toBe(sum(0, 0));
        for (const [i, j] of [
          [0, 1],
          [1, 0],
          [1, 1],
        ]) {
          await tab.getByTestId('cc-next').click();
          await poll(() => tab.getByTestId('cc-sum').textContent()).toBe(sum(i, j));
          const shaded = await tab
            .getByTestId('cc-input')
            .locator('.shaded')
            .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-cell')));
          expect(shaded).toEqual([`${i},${j}`, `${i},${j + 1}`, `${i + 1},${j}`, `${i + 1},${j + 1}`]);
        }
        await tab.getByTestId('cc-output').locator('[data-cell="0,1"]').click();
        await poll(() => tab.getByTestId('cc-sum').textContent()).toBe(sum(0, 1));
      });
      await visit('/zh/guide/edge-detection', 'zh-figure-edges', async (tab) => {
        const image = ones([6, 8]);
        image.slice(':', '2:6').fill_(0);
        const edges = corr2d(image, tensor([[1, -1]])).toArray() as number[][];
        const cells = tab.getByTestId('edge-output').locator('[data-cell]');
        expect(await cells.count()).toBe(6 * 7);
        expect((await cells.allTextContents()).map((text) => Number(text.trim()))).toEqual(edges.flat());
        await tab.getByTestId('edge-transpose').check();
        await poll(() => tab.getByTestId('edge-output').locator('[data-cell]').count()).toBe(8 * 5);
      });
      await visit('/guide/receptive-fields', 'en-figure-receptive-field', async (tab) => {
        const summary = tab.getByTestId('rf-figure-summary');
        await poll(() => summary.getAttribute('data-cells')).toBe('9');
        await tab.getByTestId('rf-layer-1').locator('[data-cell="1,0"]').click();
        await poll(() => summary.getAttribute('data-cells')).toBe('4');
        const shaded = await tab
          .getByTestId('rf-layer-0')
          .locator('.shaded')
          .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-cell')));
        expect(shaded).toEqual(['1,0', '1,1', '2,0', '2,1']);
      });
    });
  },
);
