/**
 * Runs one importer's fuzz cases outside vitest and prints the counts and every failing case:
 *   npx tsx tests/fuzz/sweep.ts <importer> [from=0] [count=1000] [master seed] (CT=ms per-case watchdog)
 */
import { runCases } from './batch-node.ts';
import { CASES_PER_IMPORTER, DEFAULT_MASTER_SEED, type Importer } from './generate.ts';
import { PASSING } from './judge.ts';

const [imp, from = '0', count = String(CASES_PER_IMPORTER), master = String(DEFAULT_MASTER_SEED)] = process.argv.slice(2);
const res = await runCases(imp as Importer, Number(from), Number(count), {
  master: Number(master),
  caseTimeoutMs: Number(process.env.CT ?? 60_000),
});
const c: Record<string, number> = {};
for (const r of res) c[r.outcome] = (c[r.outcome] ?? 0) + 1;
console.log(imp, `seed ${master}`, res.length, JSON.stringify(c));
for (const r of res.filter((x) => !PASSING.includes(x.outcome)))
  console.log(r.index, r.outcome, '|', r.label.slice(0, 100), '|', r.detail.slice(0, 300));
