/** Shared steps of the browser tests: expected variants, waiting for rows, request tracking, Node parity. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { ModelCard } from '../src/encoders/card.ts';
import { embeddingSources } from '../src/state/embedding-sources.ts';

const MODELS = join(import.meta.dirname, '..', 'public', 'models');

export function cards(): ModelCard[] {
  const index = JSON.parse(readFileSync(join(MODELS, 'index.json'), 'utf8')) as { models: string[] };
  return index.models.map((f) => JSON.parse(readFileSync(join(MODELS, f), 'utf8')) as ModelCard);
}

export function cardPath(id: string): string {
  return join(MODELS, `${id}.card.json`);
}

/** Variant ids the app shows by default: raw, whitened, whitened top-32 (when the source has more dims). */
export function expectedVariants(whitenK = 32): string[] {
  return embeddingSources(cards()).flatMap((s) => [s.id, `${s.id}+w`, ...(whitenK < s.dim ? [`${s.id}+w${whitenK}`] : [])]);
}

export async function waitForAllRows(page: Page, variants: string[], timeout = 8 * 60_000): Promise<void> {
  const table = page.getByTestId('metrics-table');
  await expect(table).toBeVisible({ timeout });
  for (const v of variants) {
    await expect(table.locator(`[data-testid="metrics-row"][data-variant="${v}"]`)).toHaveAttribute('data-status', 'done', { timeout });
  }
}

/** Every URL the page requests; the test then asserts they all stay on the app's own origin. */
export function trackRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  return urls;
}

export function foreignRequests(urls: string[], origin: string): string[] {
  return urls.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
}

/** The in-browser embeddings of the first `count` items, as plain arrays. */
export async function browserEmbeddings(page: Page, encoderId: string, count: number): Promise<{ dim: number; rows: number[][] }> {
  return page.evaluate(
    ([id, c]) => {
      const s = (globalThis as unknown as { __recallLens: { session: { embeddings: Map<string, { dim: number; data: Float32Array }> } } })
        .__recallLens.session;
      const x = s.embeddings.get(id)!;
      return { dim: x.dim, rows: Array.from({ length: c }, (_, i) => Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim))) };
    },
    [encoderId, count] as const,
  );
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 && bb === 0 ? 1 : ab / Math.sqrt(aa * bb);
}
