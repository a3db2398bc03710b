/**
 * Export in the browser: each export button downloads a file; the zips unzip (fflate, in Node) to a
 * TF Projector bundle whose tensors, metadata and sprite equal what the page holds, .npy files equal
 * to the bundle's vectors, whitening parameters that reproduce the whitened variant, and metrics as
 * JSON and CSV with the table's numbers.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { cards, expectedVariants, waitForAllRows } from './app.ts';
import { parseNpy } from '../src/data/npy.ts';
import { buildSprite } from '../src/data/export/sprite.ts';
import { parseVectorsTsv } from '../src/data/projector.ts';
import { parseTable, parseTableBytes } from '../src/data/table.ts';

const SUBSET = 200;

async function save(page: Page, testId: string): Promise<{ name: string; bytes: Uint8Array }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const bytes = new Uint8Array(readFileSync((await download.path())!));
  await expect(page.getByTestId('export-status')).toHaveAttribute('data-state', 'done');
  return { name: download.suggestedFilename(), bytes };
}

/** A variant's vectors as the page's session holds them (raw, or whitened as the variant searched). */
function pageVectors(page: Page, variant: string): Promise<{ n: number; dim: number; data: number[] }> {
  return page.evaluate(async (v) => {
    const s = (
      globalThis as unknown as {
        __recallLens: { session: { variantEmbeddings(v: string): Promise<{ n: number; dim: number; data: Float32Array }> } };
      }
    ).__recallLens.session;
    const x = await s.variantEmbeddings(v);
    return { n: x.n, dim: x.dim, data: Array.from(x.data) };
  }, variant);
}

/** float64 .npy (test side): shape and values. */
function npyF64(bytes: Uint8Array): { shape: number[]; data: Float64Array } {
  const hl = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + hl));
  expect(header).toContain("'descr': '<f8'");
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const copy = bytes.slice(10 + hl);
  return { shape, data: new Float64Array(copy.buffer, 0, copy.length / 8) };
}

test('export buttons: projector bundle, .npy, whitening and metrics downloads match the page', async ({ page }) => {
  await page.goto(`/?backend=wasm&subset=${SUBSET}`);
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  const panel = page.getByTestId('export-panel');
  await expect(panel.getByTestId('export-variant')).toHaveCount(variants.length);

  // Keep one source's variants: raw, whitened, whitened top-32.
  const source = cards().find((c) => c.id === 'pixels')!;
  const keep = [source.id, `${source.id}+w`, `${source.id}+w32`];
  for (const v of variants)
    if (!keep.includes(v)) await panel.locator(`[data-testid="export-variant"][data-variant="${v}"] input`).uncheck();

  // TF Projector bundle.
  const bundle = await save(page, 'export-projector');
  expect(bundle.name).toMatch(/projector\.zip$/);
  const files = unzipSync(bundle.bytes);
  const config = JSON.parse(new TextDecoder().decode(files['projector_config.json']));
  expect(config.embeddings.map((e: { tensorName: string }) => e.tensorName)).toEqual(keep);
  expect(new TextDecoder().decode(files['projector_config.pbtxt'])).toContain(`tensor_name: "${source.id}+w32"`);
  const tensors: Record<string, Float32Array> = {};
  for (const e of config.embeddings) {
    const want = await pageVectors(page, e.tensorName);
    expect(e.tensorShape).toEqual([SUBSET, want.dim]);
    expect(e.metadataPath).toBe('metadata.tsv');
    expect(e.sprite).toEqual({ imagePath: 'sprite.png', singleImageDim: [64, 64] });
    const x = parseVectorsTsv(new TextDecoder().decode(files[e.tensorPath]), e.tensorPath);
    expect([x.n, x.dim]).toEqual([SUBSET, want.dim]);
    expect(Array.from(x.data)).toEqual(want.data);
    tensors[e.tensorName] = x.data;
  }
  expect(tensors[`${source.id}+w32`].length).toBe(SUBSET * 32);
  const meta = parseTableBytes(files['metadata.tsv'], 'metadata.tsv');
  const columns = await page.evaluate(
    () =>
      (globalThis as unknown as { __recallLens: { session: { corpus: { columns: Record<string, string[]> } } } }).__recallLens.session
        .corpus.columns,
  );
  expect(meta.names).toEqual(Object.keys(columns));
  expect(meta.n).toBe(SUBSET);
  meta.names.forEach((name, j) => expect(meta.columns[j]).toEqual(columns[name].map((s) => s.replace(/[\t\r\n]+/g, ' '))));
  // Sprite: 15 × 15 tiles of 64 px, tile i = the page's thumbnail i.
  const sprite = PNG.sync.read(Buffer.from(files['sprite.png']));
  expect([sprite.width, sprite.height]).toEqual([15 * 64, 15 * 64]);
  for (const i of [0, 57, SUBSET - 1]) {
    const thumb = await page.evaluate((row) => {
      const c = (globalThis as unknown as { __recallLens: { session: { corpus: { images: Uint8Array; imageSize: number } } } }).__recallLens
        .session.corpus;
      const px = c.imageSize * c.imageSize * 3;
      return Array.from(c.images.subarray(row * px, (row + 1) * px));
    }, i);
    const tile: number[] = [];
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const o = ((Math.floor(i / 15) * 64 + y) * sprite.width + (i % 15) * 64 + x) * 4;
        tile.push(sprite.data[o], sprite.data[o + 1], sprite.data[o + 2]);
      }
    expect(tile).toEqual(thumb);
  }

  // The browser's PNG bytes are the bytes Node writes for the same thumbnails (one pure encoder).
  const all = await page.evaluate(() => {
    const c = (globalThis as unknown as { __recallLens: { session: { corpus: { images: Uint8Array; n: number; imageSize: number } } } })
      .__recallLens.session.corpus;
    return Array.from(c.images.subarray(0, c.n * c.imageSize * c.imageSize * 3));
  });
  expect(Buffer.from(buildSprite(Uint8Array.from(all), SUBSET, 64).png).equals(Buffer.from(files['sprite.png']))).toBe(true);

  // .npy per variant: the same float32 values as the bundle's tensors.
  const npy = unzipSync((await save(page, 'export-npy')).bytes);
  expect(Object.keys(npy).sort()).toEqual(keep.map((v) => `${v}.npy`).sort());
  for (const v of keep) expect(parseNpy(npy[`${v}.npy`], `${v}.npy`).data).toEqual(tensors[v]);

  // Whitening: (x − μ)·W[:, :k] from the files reproduces each whitened variant.
  const wz = unzipSync((await save(page, 'export-whitening')).bytes);
  expect(Object.keys(wz).sort()).toEqual(
    [`${source.id}+w`, `${source.id}+w32`]
      .flatMap((v) => ['W.npy', 'eigenvalues.npy', 'mean.npy', 'whitening.json'].map((f) => `${v}/${f}`))
      .sort(),
  );
  const raw = tensors[source.id];
  const d = source.output.dim;
  for (const [v, k] of [
    [`${source.id}+w`, d],
    [`${source.id}+w32`, 32],
  ] as const) {
    const mu = npyF64(wz[`${v}/mean.npy`]);
    const W = npyF64(wz[`${v}/W.npy`]);
    expect(mu.shape).toEqual([d]);
    expect(W.shape).toEqual([d, d]);
    const info = JSON.parse(new TextDecoder().decode(wz[`${v}/whitening.json`]));
    expect(info).toMatchObject({ variant: v, source: source.id, dim: d, keep: k, formula: 'x_w = (x − μ)·W[:, :k]' });
    const xw = tensors[v];
    let worst = 0;
    for (let i = 0; i < SUBSET; i++)
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let c = 0; c < d; c++) s += (raw[i * d + c] - mu.data[c]) * W.data[c * d + j];
        worst = Math.max(worst, Math.abs(s - xw[i * k + j]) / Math.max(1, Math.abs(s)));
      }
    expect(worst).toBeLessThan(1e-6);
  }

  // Metrics: JSON and CSV of the chosen rows, with the table's numbers.
  const json = JSON.parse(new TextDecoder().decode((await save(page, 'export-metrics-json')).bytes));
  expect(json.rows.map((r: { variant: string }) => r.variant)).toEqual(keep);
  const csv = parseTable(new TextDecoder().decode((await save(page, 'export-metrics-csv')).bytes), 'metrics.csv');
  expect(csv.columns[csv.names.indexOf('variant')]).toEqual(keep);
  for (const [i, row] of json.rows.entries()) {
    expect(row).toMatchObject({ n: SUBSET, k: 10, metric: 'euclidean', seeds: SUBSET });
    expect(row.whiten).toBe(i === 0 ? 'none' : i === 1 ? 'full' : 32);
    const facet = Object.keys(row.facets)[0];
    const f = row.facets[facet];
    expect(f.ci95[0]).toBeLessThanOrEqual(f.consistency);
    expect(f.ci95[1]).toBeGreaterThanOrEqual(f.consistency);
    expect(Number(csv.columns[csv.names.indexOf(`${facet}_consistency`)][i])).toBe(f.consistency);
    const shown = Number(
      await page.locator(`[data-testid="metrics-row"][data-variant="${row.variant}"] td[data-facet="${facet}"] .num`).textContent(),
    );
    expect(Math.abs(shown - f.consistency)).toBeLessThanOrEqual(0.000005 + 1e-12); // the table shows 5 decimals
  }
});
