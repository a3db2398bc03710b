/**
 * Nothing lost: K, distance, hidden variants, the gallery seed and the bad-case facet come back after
 * a reload and in a new page of the same browser profile (opened without any of them in the URL);
 * the rows then come from the IndexedDB cache. A corrupt saved session is ignored with a warning.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectedVariants, waitForAllRows } from './app.ts';

const SUBSET = 300;
const PLAIN = `/?backend=wasm&subset=${SUBSET}`;

interface Stored {
  settings: { k: number; metric: string };
  hidden: string[];
  selection: { seed: number | null; facet: string | null };
}

/** The session record saved for the corpus on screen (null until one is stored). */
function stored(page: Page): Promise<Stored | null> {
  return page.evaluate(() =>
    (globalThis as unknown as { __recallLens: { persist: { stored(): Promise<Stored | null> } } }).__recallLens.persist.stored(),
  );
}

async function expectView(page: Page, view: { k: string; metric: string; hidden: string; seed: string; facet: string }) {
  await expect(page.getByTestId('k-select')).toHaveValue(view.k);
  await expect(page.getByTestId('metric-select')).toHaveValue(view.metric);
  await expect(
    page.locator(`[data-testid="metrics-row"][data-variant="${view.hidden}"] [data-testid="variant-visible"]`),
  ).not.toBeChecked();
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-seed', view.seed);
  await expect(page.getByTestId('badcase-facet')).toHaveValue(view.facet);
}

test('K, distance, hidden variants, seed and facet survive a reload and a new page; rows come from the cache', async ({
  page,
  context,
}) => {
  const variants = expectedVariants();
  await page.goto(PLAIN);
  await waitForAllRows(page, variants);

  await page.getByTestId('k-select').selectOption('5');
  await page.getByTestId('metric-select').selectOption('cosine');
  await waitForAllRows(page, variants);
  const hidden = variants[1];
  await page.locator(`[data-testid="metrics-row"][data-variant="${hidden}"] [data-testid="variant-visible"]`).uncheck();
  await page.getByTestId('seed-search').fill('grinning');
  await page.getByTestId('seed-search-results').locator('button').first().click();
  const seed = (await page.getByTestId('gallery').getAttribute('data-seed'))!;
  expect(Number(seed)).toBeGreaterThanOrEqual(0);
  const facets = await page.getByTestId('badcase-facet').locator('option').allTextContents();
  const facet = facets[facets.length - 1];
  expect(facets.length).toBeGreaterThan(1);
  await page.getByTestId('badcase-facet').selectOption(facet);
  const view = { k: '5', metric: 'cosine', hidden, seed, facet };
  const cells = await page.locator('[data-testid="metrics-row"] td[data-facet] .num').allTextContents();

  // The debounced save lands in IndexedDB.
  await expect
    .poll(() => stored(page))
    .toMatchObject({ settings: { k: 5, metric: 'cosine' }, hidden: [hidden], selection: { seed: Number(seed), facet } });

  await page.reload();
  await waitForAllRows(page, variants);
  await expectView(page, view);

  // A new page with none of the view in its URL: everything comes from the saved session.
  await page.close();
  const again = await context.newPage();
  await again.goto(PLAIN);
  await waitForAllRows(again, variants);
  await expectView(again, view);
  await expect(again.locator('[data-testid="metrics-row"][data-cached="true"]')).toHaveCount(variants.length);
  expect(await again.locator('[data-testid="metrics-row"] td[data-facet] .num').allTextContents()).toEqual(cells);
  // The URL mirrors the restored view, so a link still reproduces it.
  const url = new URL(again.url());
  expect(url.searchParams.get('k')).toBe('5');
  expect(url.searchParams.get('metric')).toBe('cosine');
  expect(url.searchParams.get('hide')).toBe(hidden);

  // What the URL names wins over the saved session; the rest still comes back.
  await again.goto(`${PLAIN}&k=20`);
  await waitForAllRows(again, variants);
  await expect(again.getByTestId('k-select')).toHaveValue('20');
  await expect(again.getByTestId('metric-select')).toHaveValue('cosine');
  await expect(again.getByTestId('badcase-facet')).toHaveValue(facet);
});

test('a corrupt saved session is ignored with a warning; the app starts from the defaults', async ({ page }) => {
  const variants = expectedVariants();
  await page.goto(PLAIN);
  await waitForAllRows(page, variants);
  const corpus = await page.evaluate(() =>
    (globalThis as unknown as { __recallLens: { persist: { corpus(): string } } }).__recallLens.persist.corpus(),
  );
  expect(corpus).toContain(':subset-');
  // Plant a record from a future version of the app, and one that is not a record at all.
  for (const value of [{ version: 99, corpus, settings: { k: 50 } }, 'garbage']) {
    await page.evaluate(
      ([key, v]) =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('recall-lens-session', 1);
          req.onsuccess = () => {
            const tx = req.result.transaction('sessions', 'readwrite');
            tx.objectStore('sessions').put(v, key);
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          };
          req.onerror = () => reject(req.error);
        }),
      [corpus, value] as const,
    );
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(PLAIN);
    await waitForAllRows(page, variants);
    await expect(page.getByTestId('k-select')).toHaveValue('10');
    expect(warnings.filter((w) => w.includes('ignoring the saved session'))).toHaveLength(1);
    page.removeAllListeners('console');
  }
});
