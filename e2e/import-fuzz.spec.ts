/**
 * The browser half of the import fuzz test: the same seeded cases as tests/fuzz/importers.test.ts
 * (tests/fuzz/generate.ts), ≥ 1,000 per importer, sent in batches to the page, which runs each one
 * through the app's real import path (the import worker, dry run: `__recallLens.import.check`). Every
 * case must be accepted, or refused with messages that each name a file of the case and say what is
 * wrong (tests/fuzz/judge.ts). A case that does not answer within a minute is a hang (the page is
 * reloaded, which replaces the stuck worker, and the run goes on). Afterwards the demo's metrics rows
 * are still there and every valid seed bundle still imports.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectedVariants, waitForAllRows } from './app.ts';
import { CASES_PER_IMPORTER, DEFAULT_MASTER_SEED, generateCase, IMPORTERS, type FuzzCase, type Importer } from '../tests/fuzz/generate.ts';
import { judgeRefusal, PASSING, type Verdict } from '../tests/fuzz/judge.ts';
import { knownIssue } from '../tests/fuzz/known-issues.ts';
import { nodeSeeds } from '../tests/fuzz/seeds-node.ts';

const MASTER = Number(process.env.FUZZ_SEED ?? DEFAULT_MASTER_SEED);
const COUNT = Number(process.env.FUZZ_CASES ?? CASES_PER_IMPORTER);
const BATCH = 50;
const CASE_TIMEOUT_MS = 60_000;
const URL = '/?backend=wasm&subset=200';

type Answer = { ok: boolean; errors: string[] } | { hang: true } | { thrown: string };
interface BrowserResult extends Verdict {
  index: number;
  label: string;
  expect: string;
}

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** Runs cases one after another in the page; stops at the first hang (the worker is stuck). */
async function checkBatch(page: Page, cases: FuzzCase[]): Promise<Answer[]> {
  const payload = cases.map((c) => c.files.map((f) => ({ path: f.path, base64: b64(f.bytes) })));
  return page.evaluate(
    async ([batch, timeoutMs]) => {
      const api = (
        globalThis as unknown as {
          __recallLens: { import: { check(files: { path: string; base64: string }[]): Promise<{ ok: boolean; errors: string[] }> } };
        }
      ).__recallLens.import;
      const out: ({ ok: boolean; errors: string[] } | { hang: true } | { thrown: string })[] = [];
      for (const files of batch) {
        const timeout = new Promise<{ hang: true }>((resolve) => setTimeout(() => resolve({ hang: true }), timeoutMs));
        const answer = await Promise.race([
          api.check(files).catch((e: unknown) => ({ thrown: String((e as Error)?.message ?? e) })),
          timeout,
        ]);
        out.push(answer);
        if ('hang' in answer) break;
      }
      return out;
    },
    [payload, CASE_TIMEOUT_MS] as const,
  );
}

function judge(c: FuzzCase, a: Answer): Verdict {
  if ('hang' in a) return { outcome: 'hang', detail: `no answer within ${CASE_TIMEOUT_MS / 1000} s` };
  if ('thrown' in a) return { outcome: 'crash', detail: `check() threw: ${a.thrown}` };
  if (a.ok) {
    // The page's own size limit (half the device memory) applies, not the case's maxBytes.
    if (c.expect === 'reject' && c.maxBytes === undefined) return { outcome: 'accepted-bad', detail: 'imported' };
    return { outcome: 'imported', detail: 'ok' };
  }
  const internal = a.errors.find((e) => /^(import failed unexpectedly|import worker failed)/.test(e));
  if (internal) return { outcome: 'crash', detail: internal.slice(0, 300) };
  return judgeRefusal(c.expect === 'reject' || c.maxBytes === undefined ? c : { ...c, expect: 'any' }, a.errors);
}

function known(importer: Importer, r: BrowserResult): string | undefined {
  return MASTER === DEFAULT_MASTER_SEED ? knownIssue(importer, r.index, r.label, 'browser') : undefined;
}

// Not serial: a failing importer must not skip the others (a failure restarts the worker, and beforeAll
// opens the page again).
test.describe.configure({ mode: 'default' });

let page: Page;
const summary: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  await page.goto(URL);
  await waitForAllRows(page, expectedVariants());
});

test.afterAll(async () => {
  console.log([`browser import fuzz (master seed ${MASTER}, ${COUNT} cases per importer)`, ...summary].join('\n'));
  await page?.close();
});

for (const importer of IMPORTERS) {
  test(`${importer}: ${COUNT} generated cases through the import worker, each accepted or refused naming the file`, async () => {
    test.setTimeout(30 * 60_000);
    const seeds = nodeSeeds();
    const results: BrowserResult[] = [];
    let next = 0;
    /** Where the page died running a batch, its cases then run one at a time to find the culprit. */
    let singleUntil = -1;
    while (next < COUNT) {
      const size = next < singleUntil ? 1 : Math.min(BATCH, COUNT - next);
      const cases = Array.from({ length: size }, (_, j) => generateCase(importer, next + j, seeds, MASTER));
      let answers: Answer[];
      try {
        answers = await checkBatch(page, cases);
      } catch (e) {
        // The page itself died (renderer out of memory…): bisect by running the batch's cases alone.
        if (cases.length > 1) singleUntil = next + cases.length;
        answers = [{ thrown: `the page failed: ${String((e as Error)?.message ?? e).split('\n')[0]}` }];
        page = await page.context().newPage();
        await page.goto(URL);
        await page.waitForFunction(() => 'import' in ((globalThis as { __recallLens?: object }).__recallLens ?? {}));
        if (cases.length > 1) continue;
      }
      answers.forEach((a, j) =>
        results.push({ index: cases[j].index, label: cases[j].label, expect: cases[j].expect, ...judge(cases[j], a) }),
      );
      next += answers.length;
      if (answers.length && 'hang' in answers[answers.length - 1]) {
        await page.goto(URL); // a fresh page: a fresh import worker
        await page.waitForFunction(() => 'import' in ((globalThis as { __recallLens?: object }).__recallLens ?? {}));
      }
    }
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    const outcomes = [...new Set(results.map((r) => r.outcome))].sort();
    const known_ = results.filter((r) => !PASSING.includes(r.outcome) && known(importer, r)).length;
    summary.push(
      `${importer.padEnd(10)} ${outcomes.map((o) => `${o} ${count(o)}`).join(', ')}${known_ ? ` (known issues: ${known_})` : ''}`,
    );
    console.log(`browser import fuzz ${summary[summary.length - 1]}`);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    const failures = results.filter((r) => !PASSING.includes(r.outcome) && !known(importer, r));
    expect(failures.map((r) => `${importer} #${r.index} [${r.outcome}] ${r.label} (expect ${r.expect}) → ${r.detail}`)).toEqual([]);
  });
}

test('afterwards the app still works: the demo metrics rows are there and every valid seed bundle imports', async () => {
  await waitForAllRows(page, expectedVariants());
  const seeds = IMPORTERS.map((importer) => generateCase(importer, 0, nodeSeeds(), MASTER));
  const answers = await checkBatch(page, seeds);
  expect(answers.map((a, i) => `${IMPORTERS[i]}: ${JSON.stringify(a)}`)).toEqual(
    IMPORTERS.map((imp) => `${imp}: ${JSON.stringify({ ok: true, errors: [] })}`),
  );
});
