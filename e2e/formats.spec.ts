/**
 * Issue 12: a TF Projector bundle whose projector_config.json names two datasets (different tensor
 * shapes and metadata files, as TensorBoard's demo config does) imports; the analyst sees the first
 * dataset, picks the second in the dataset menu (data-testid="import-dataset"), and its variants
 * are evaluated in its place. The metadata files end with a blank line (skipped, as TensorBoard does).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectedVariants, waitForAllRows } from './app.ts';
import { mulberry32 } from '../src/compute/sampling.ts';

function tsv(n: number, dim: number, seed: number, classes: number): string {
  const rand = mulberry32(seed);
  const rows: string[] = [];
  for (let i = 0; i < n; i++)
    rows.push(Array.from({ length: dim }, (_, j) => ((j === i % classes ? 3 : 0) + rand()).toFixed(4)).join('\t'));
  return `${rows.join('\n')}\n`;
}

function bundle(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'recall-lens-formats-')), 'projector');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'words_a.tsv'), tsv(40, 8, 1, 4));
  writeFileSync(join(dir, 'words_b.tsv'), tsv(40, 8, 2, 4));
  writeFileSync(
    join(dir, 'words.tsv'),
    `label\tidentity\n${Array.from({ length: 40 }, (_, i) => `c${i % 4}\tw${Math.floor(i / 2)}`).join('\n')}\n\n`,
  );
  writeFileSync(
    join(dir, 'iris.tsv'),
    `species\n${Array.from({ length: 30 }, (_, i) => `s${i % 3}`).join('\n')}\n`.replace('species\n', ''),
  );
  writeFileSync(join(dir, 'iris_vectors.tsv'), tsv(30, 5, 3, 3));
  writeFileSync(
    join(dir, 'projector_config.json'),
    JSON.stringify({
      embeddings: [
        { tensorName: 'words A', tensorShape: [40, 8], tensorPath: 'words_a.tsv', metadataPath: 'words.tsv' },
        { tensorName: 'words B', tensorShape: [40, 8], tensorPath: 'words_b.tsv', metadataPath: 'words.tsv' },
        { tensorName: 'iris', tensorShape: [30, 5], tensorPath: 'iris_vectors.tsv', metadataPath: 'iris.tsv' },
      ],
    }),
  );
  return dir;
}

test('a projector config with two datasets: the first is shown, the second can be picked', async ({ page }) => {
  const dir = bundle();
  await page.goto('/?backend=wasm&subset=200');
  await waitForAllRows(page, expectedVariants());
  await page.getByTestId('import-folder').setInputFiles(dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done');
  const picker = page.getByTestId('import-dataset');
  await expect(picker).toHaveValue('words');
  await expect(picker.locator('option')).toHaveText(['words (40 items, 2 tensors)', 'iris (30 items, 1 tensor)']);
  await expect(page.getByTestId('corpus-info')).toContainText('40 items');
  await waitForAllRows(page, ['words_a', 'words_b']);
  await expect(page.getByTestId('import-report')).toContainText('1 blank line skipped');

  await picker.selectOption('iris');
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('corpus-info')).toContainText('30 items');
  await waitForAllRows(page, ['iris_vectors']);
  await expect(page.locator('[data-testid="metrics-row"][data-variant="words_a"]')).toHaveCount(0);
  await expect(page.getByTestId('import-dataset')).toHaveValue('iris');
});
