// Checks of the API pages in chromium, for pages.test.ts.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The @fovea/tensor page: the shape formulas typeset by MathJax (no TeX source left in the text),
 * conv2d's example shown, and an outline entry that scrolls to its function.
 */
export async function tensorPage(tab: Page): Promise<void> {
  expect(await tab.locator('.vp-doc h3#corr2d').count()).toBe(1);
  expect(await tab.locator('.vp-doc h3#conv2d').count()).toBe(1);
  const text = (await tab.locator('.vp-doc').textContent()) ?? '';
  expect(text, 'a formula left as TeX source').not.toContain('\\lfloor');
  expect(await tab.locator('.vp-doc mjx-container').count()).toBeGreaterThan(5);
  const wideFormulas = await tab.evaluate(() =>
    Array.from(document.querySelectorAll('.vp-doc mjx-container[display="true"]'))
      .filter(
        (math) => (math.querySelector('svg')?.getBoundingClientRect().width ?? 0) > math.clientWidth + 1,
      )
      .map((math) => math.closest('h3 ~ *')?.textContent?.slice(0, 60) ?? ''),
  );
  expect(wideFormulas, 'a formula wider than the page at 1280 px').toEqual([]);
  expect(text).toContain("padding: 'same'");
  expect(await tab.locator('.VPDocAsideOutline a').count()).toBeGreaterThan(80);
  await tab.locator('.VPDocAsideOutline a[href="#maxpool2d"]').click();
  await tab.waitForURL(/#maxpool2d$/);
  const headingInView = () =>
    tab.locator('.vp-doc h3#maxpool2d').evaluate((heading) => {
      const { top } = heading.getBoundingClientRect();
      return top >= 0 && top < window.innerHeight;
    });
  await expect.poll(headingInView, { timeout: 10_000 }).toBe(true);
}
