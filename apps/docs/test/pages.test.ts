// The site as a whole in chromium: home pages, every internal link and anchor of both locales,
// Chinese line breaks, and the API reference (test/harness.ts).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tensorPage } from './api-pages';
import { LANGUAGES, overflowing, poll, SITE, useSite } from './harness';
import { brokenLinks, cjkLineBreaks } from './links';
import { chromiumSkipReason } from './site';

describe.skipIf(chromiumSkipReason !== null)(
  `the site's pages in chromium${chromiumSkipReason ? ` (skipped: ${chromiumSkipReason})` : ''}`,
  () => {
    const { visit } = useSite();

    for (const { name: lang, prefix } of LANGUAGES) {
      it(`${lang}: home page`, async () => {
        await visit(`${prefix}/`, `${lang}-home`, async (tab) => {
          await poll(() => tab.locator('.VPHero .name').textContent()).toContain('Fovea');
          // The search box speaks the page's language.
          const search = await tab.locator('.DocSearch-Button-Placeholder').textContent();
          expect(search?.trim()).toBe(lang === 'zh' ? '搜索' : 'Search');
        });
      });
    }

    it('every internal link and anchor of both locales resolves', async () => {
      const { checked, broken } = await brokenLinks(SITE);
      expect(broken).toEqual([]);
      expect(checked).toBeGreaterThan(1000);
    });

    it('Chinese paragraphs have no stray spaces where the source wraps a line', async () => {
      expect(await cjkLineBreaks(SITE)).toEqual([]);
    });

    it('API reference: an index and one page per package', async () => {
      await visit('/api/', 'api-index', async (tab) => {
        expect(await tab.locator('.vp-doc li a').count()).toBeGreaterThanOrEqual(5);
      });
      // API pages are long: their screenshots show the first screen only.
      for (const name of ['tensor', 'nn', 'optim', 'receptive-field', 'autograd']) {
        const check = async (tab: Page) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain(`@fovea/${name}`);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
          if (name === 'tensor') await tensorPage(tab);
        };
        await visit(`/api/${name}`, `api-${name}`, check, false);
      }
      // Tensor's own page: its op methods, each described, and an outline that reaches them.
      await visit(
        '/api/tensor/Tensor',
        'api-tensor-Tensor',
        async (tab) => {
          expect(await tab.locator('.vp-doc h3#add').textContent()).toContain('add()');
          expect(await tab.locator('.vp-doc').textContent()).toContain('elementwise with broadcasting');
          expect(await tab.locator('.VPDocAsideOutline a').count()).toBeGreaterThan(80);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
        },
        false,
      );
      await visit(
        '/api/tensor/webgpu',
        'api-tensor-webgpu',
        async (tab) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain('@fovea/tensor/webgpu');
          expect(await tab.locator('.vp-doc h3#conv2dforward').count()).toBe(1);
        },
        false,
      );
      await visit('/zh/api/', 'zh-api-index', async (tab) => {
        expect(await tab.locator('.vp-doc li a').count()).toBeGreaterThanOrEqual(5);
      });
      // A class has a page of its own, and every API page a Chinese twin for the language switch.
      await visit(
        '/api/nn/Conv2d',
        'api-nn-Conv2d',
        async (tab) => {
          expect(await tab.locator('.vp-doc h1').textContent()).toContain('Conv2d');
          expect(await tab.locator('.VPDocAsideOutline a').count()).toBeGreaterThan(5);
          expect(await overflowing(tab), 'code cut off at 1280 px').toEqual([]);
        },
        false,
      );
      await visit('/zh/api/nn/Conv2d', 'zh-api-nn-Conv2d', async (tab) => {
        await tab.locator('.vp-doc a[href$="/api/nn/Conv2d.html"]').click();
        await tab.waitForURL(/\/api\/nn\/Conv2d/);
        expect(new URL(tab.url()).pathname).toBe('/api/nn/Conv2d.html');
      });
    });
  },
);
