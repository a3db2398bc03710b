/**
 * Linked-view latency, timed in the page: from dispatching a pointer event at a row's point in one
 * UMAP panel to the frame where every panel (and the gallery, where the build links it) shows it.
 * Used by the interaction bench (the demo) and the scale bench (100k × 512 × 4).
 */
import type { Page } from '@playwright/test';

/** In the page: dispatches an event at a row's point in the first panel and times until every linked view shows it. */
export async function timeEvent(page: Page, variant: string, row: number, kind: 'hover' | 'click', k: number): Promise<number> {
  return page.evaluate(
    ([v, r, kind, k]) =>
      new Promise<number>((resolve, reject) => {
        type Plot = { clientPosition(row: number): { x: number; y: number } | null };
        const g = globalThis as unknown as { __recallLens?: { plots?: Map<string, Plot> }; __umapPlots?: Map<string, Plot> };
        const plots = g.__recallLens?.plots ?? g.__umapPlots!;
        const at = plots.get(v)!.clientPosition(r);
        if (!at) return reject(new Error(`row ${r} is not drawn in ${v}`));
        const panel = document.querySelector(`[data-testid="umap-panel"][data-variant="${v}"]`)!;
        const canvas = panel.querySelector('[data-testid="umap-canvas"]')!;
        const panels = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="umap-panel"]'));
        const gallery = document.querySelector<HTMLElement>('[data-testid="gallery"]');
        const linksGallery = gallery?.hasAttribute('data-hovered') ?? false;
        const before = gallery?.dataset.seed ?? '';
        const t0 = performance.now();
        const init = { clientX: at.x, clientY: at.y, bubbles: true, pointerId: 1, isPrimary: true };
        if (kind === 'hover') canvas.dispatchEvent(new PointerEvent('pointermove', init));
        else canvas.dispatchEvent(new MouseEvent('click', init));
        // The point picked may be another one drawn at the same spot: whichever it is, every view must agree.
        const done = () => {
          if (kind === 'hover') {
            const hovered = panels[0].dataset.hovered;
            if (hovered === '') return 'miss';
            if (!panels.every((p) => p.dataset.hovered === hovered)) return false;
            return !linksGallery || gallery?.dataset.hovered === hovered;
          }
          const seed = gallery?.dataset.seed ?? '';
          if (seed === '' || seed === before || !panels.every((p) => p.dataset.seed === seed)) return false;
          const columns = Array.from(gallery!.querySelectorAll('[data-testid="gallery-column"]'));
          return columns.length > 0 && columns.every((c) => c.querySelectorAll('[data-testid="neighbour"]').length >= k);
        };
        const poll = () => {
          const d = done();
          if (d === 'miss') return resolve(-1);
          if (d) return resolve(performance.now() - t0);
          if (performance.now() - t0 > 20_000)
            return kind === 'hover' ? resolve(-1) : reject(new Error(`${kind} of row ${r} never showed everywhere`));
          requestAnimationFrame(poll);
        };
        requestAnimationFrame(poll);
      }),
    [variant, row, kind, k] as const,
  );
}

/**
 * Hovers and clicks at rows of a panel (a fixed pseudo-random walk from the given rows), each timed
 * by `timeEvent`; hovers that land on no point are retried at the next row (at most 3× as many tries).
 */
export async function linkedLatencies(
  page: Page,
  variant: string,
  n: number,
  o: { hovers: number; clicks: number; hoverFrom: number; clickFrom: number },
): Promise<{ hoverMs: number[]; clickMs: number[] }> {
  const hoverMs: number[] = [];
  for (let i = 0, row = o.hoverFrom % n; hoverMs.length < o.hovers && i < o.hovers * 3; i++, row = (row * 7919 + 13) % n) {
    const ms = await timeEvent(page, variant, row, 'hover', 10).catch(() => -1);
    if (ms >= 0) hoverMs.push(ms);
    await page.waitForTimeout(30);
  }
  const clickMs: number[] = [];
  for (let i = 0, row = o.clickFrom % n; i < o.clicks; i++, row = (row * 104_729 + 7) % n) {
    const ms = await timeEvent(page, variant, row, 'click', 10).catch(() => -1);
    if (ms >= 0) clickMs.push(ms);
    await page.locator(`[data-testid="umap-panel"][data-variant="${variant}"]`).scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
  }
  return { hoverMs, clickMs };
}
