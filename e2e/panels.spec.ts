/**
 * The side-by-side view with many variants: an imported folder with 12 embedding files (each raw,
 * whitened and whitened top-8: 36 variants) draws every panel through one WebGL context (the pixels
 * of each panel's region are checked, scrolled into view as a person would), hover links every
 * panel, the drawing comes back after a context loss, and a reload restores every layout from the
 * cache (`data-cached`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { writeNpy } from '../src/data/npy.ts';
import { mulberry32 } from '../src/compute/sampling.ts';

const N = 240;
const DIM = 16;
const SOURCES = 12;

function writeManyVariants(): { dir: string; variants: string[] } {
  const root = join(mkdtempSync(join(tmpdir(), 'recall-lens-panels-')), 'many');
  mkdirSync(root, { recursive: true });
  const rand = mulberry32(11);
  const lines = ['id,title,style'];
  for (let i = 0; i < N; i++) lines.push(`item-${i},Item ${i},s${i % 4}`);
  writeFileSync(join(root, 'manifest.csv'), lines.join('\n') + '\n');
  const variants: string[] = [];
  for (let s = 0; s < SOURCES; s++) {
    const data = new Float32Array(N * DIM);
    for (let i = 0; i < N; i++) for (let d = 0; d < DIM; d++) data[i * DIM + d] = (i % 4 === d % 4 ? 2 : 0) + rand() * (1 + s / 4);
    const name = `emb${String(s).padStart(2, '0')}`;
    writeFileSync(join(root, `${name}.npy`), writeNpy({ n: N, dim: DIM, data }));
    variants.push(name, `${name}+w`, `${name}+w8`);
  }
  return { dir: root, variants };
}

/** Non-transparent pixels in the panel's points canvas, after scrolling it into view. */
async function drawnPixels(panel: Locator): Promise<number> {
  await panel.scrollIntoViewIfNeeded();
  let count = 0;
  await expect
    .poll(
      async () => {
        count = await panel.evaluate((el) => {
          const c = el.querySelector<HTMLCanvasElement>('canvas.umap-points')!;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        });
        return count;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThan(200);
  return count;
}

test('36 variants: every panel drawn from one WebGL context, linked hover, context loss, layouts cached', async ({ page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (/WebGL contexts|context lost/i.test(m.text())) warnings.push(m.text());
  });
  const { dir, variants } = writeManyVariants();
  await page.goto('/?wk=8');
  await page.getByTestId('import-folder').setInputFiles(dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const panels = page.getByTestId('umap-panel');
  await expect(panels).toHaveCount(variants.length, { timeout: 120_000 });
  for (const v of variants) {
    await expect(page.locator(`[data-testid="umap-panel"][data-variant="${v}"]`)).toHaveAttribute('data-state', 'ready', {
      timeout: 5 * 60_000,
    });
  }
  for (const v of variants) await drawnPixels(page.locator(`[data-testid="umap-panel"][data-variant="${v}"]`));
  expect(warnings).toEqual([]);

  // Hover a point in the first panel: every panel marks the same row.
  const first = page.locator(`[data-testid="umap-panel"][data-variant="${variants[0]}"]`);
  await first.scrollIntoViewIfNeeded();
  const at = await page.evaluate((v) => {
    type Plot = { clientPosition(row: number): { x: number; y: number } | null };
    return (globalThis as unknown as { __recallLens: { plots: Map<string, Plot> } }).__recallLens.plots.get(v)!.clientPosition(5);
  }, variants[0]);
  await page.mouse.move(at!.x, at!.y);
  const row = await first.getAttribute('data-hovered');
  expect(row).not.toBe('');
  for (const v of variants)
    await expect(page.locator(`[data-testid="umap-panel"][data-variant="${v}"]`)).toHaveAttribute('data-hovered', row!);

  // A lost context is restored and the visible panels are drawn again.
  const last = page.locator(`[data-testid="umap-panel"][data-variant="${variants[variants.length - 1]}"]`);
  await last.scrollIntoViewIfNeeded();
  await last.evaluate((el) => {
    const c = el.querySelector<HTMLCanvasElement>('canvas.umap-points')!;
    c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    type Renderer = { simulateContextLoss(ms: number): void; restores: number };
    (globalThis as unknown as { __recallLens: { renderer: Renderer } }).__recallLens.renderer.simulateContextLoss(100);
  });
  await expect
    .poll(() =>
      page.evaluate(() => (globalThis as unknown as { __recallLens: { renderer: { restores: number } } }).__recallLens.renderer.restores),
    )
    .toBe(1);
  await drawnPixels(last);

  // Aligned panels: every other panel is fitted onto the reference (orthogonal Procrustes): its points move.
  const second = page.locator(`[data-testid="umap-panel"][data-variant="${variants[3]}"]`);
  const position = (v: string, r: number) =>
    page.evaluate(
      ([v, r]) => {
        type Plot = { clientPosition(row: number): { x: number; y: number } | null };
        return (globalThis as unknown as { __recallLens: { plots: Map<string, Plot> } }).__recallLens.plots.get(v)!.clientPosition(r);
      },
      [v, r] as const,
    );
  await second.scrollIntoViewIfNeeded();
  const before = await position(variants[3], 9);
  await page.getByTestId('align-to').selectOption(variants[0]);
  await expect(second).toHaveAttribute('data-aligned-to', variants[0]);
  await expect(first).toHaveAttribute('data-aligned-to', '');
  expect(await position(variants[3], 9)).not.toEqual(before);
  await drawnPixels(second);

  // Compare mode: two panels large side by side, with trails for the selected items.
  await page.getByTestId('umap-layout').selectOption('compare');
  await page.getByTestId('umap-compare-a').selectOption(variants[0]);
  await page.getByTestId('umap-compare-b').selectOption(variants[3]);
  await expect(panels).toHaveCount(2);
  const a = page.locator(`[data-testid="umap-panel"][data-variant="${variants[0]}"]`);
  await expect(a).toHaveAttribute('data-state', 'ready');
  await a.scrollIntoViewIfNeeded();
  const box = (await a.getByTestId('umap-canvas').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.down();
  for (const [fx, fy] of [
    [0.95, 0.05],
    [0.95, 0.95],
    [0.05, 0.95],
    [0.05, 0.06],
  ])
    await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(async () => Number(await page.getByTestId('umap-trails').getAttribute('data-trails'))).toBeGreaterThan(50);
  await page.getByTestId('align-to').selectOption('');

  // A reload: every layout comes from the cache.
  await page.getByTestId('umap-layout').selectOption('grid');
  await page.reload();
  await expect(panels).toHaveCount(variants.length, { timeout: 120_000 });
  for (const v of variants) {
    const p = page.locator(`[data-testid="umap-panel"][data-variant="${v}"]`);
    await expect(p).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
    await expect(p).toHaveAttribute('data-cached', 'true');
  }
  await drawnPixels(page.locator(`[data-testid="umap-panel"][data-variant="${variants[7]}"]`));
});
