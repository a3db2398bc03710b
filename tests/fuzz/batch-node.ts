/**
 * Runs fuzz cases in child processes (tests/fuzz/run-batch.ts under tsx) with a per-case watchdog:
 * a case that prints nothing for `caseTimeoutMs` is a hang, a child that dies (out of memory, stack
 * overflow, abort) is a crash of the case it had started; either way the child is killed and a new
 * one carries on from the next case, so one bad case never hides the rest.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CaseResult } from './run-batch.ts';
import { generateCase, type Importer } from './generate.ts';
import { PASSING } from './judge.ts';
import { nodeSeeds } from './seeds-node.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface BatchOptions {
  master: number;
  caseTimeoutMs: number;
  /** Heap cap of each child, so a runaway allocation fails fast instead of swapping the machine. */
  maxOldSpaceMb?: number;
}

function runChild(
  importer: Importer,
  from: number,
  count: number,
  o: BatchOptions,
): Promise<{ results: CaseResult[]; died?: { index: number; outcome: 'hang' | 'crash'; detail: string } }> {
  return new Promise((resolve) => {
    // node itself with tsx as a loader (the tsx CLI would be a wrapper whose child survives a kill),
    // in its own process group so that the kill takes everything with it.
    const child = spawn(
      process.execPath,
      [
        `--max-old-space-size=${o.maxOldSpaceMb ?? 1024}`,
        '--import',
        TSX_LOADER,
        join(ROOT, 'tests', 'fuzz', 'run-batch.ts'),
        importer,
        String(from),
        String(count),
        String(o.master),
      ],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const killAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const results: CaseResult[] = [];
    let started = from - 1;
    let out = '';
    let errTail = '';
    let hung = false;
    let timer: NodeJS.Timeout;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        killAll();
      }, o.caseTimeoutMs);
    };
    arm();
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line.startsWith('RESULT ')) {
          results.push(JSON.parse(line.slice(7)) as CaseResult);
          arm();
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      for (const m of s.matchAll(/START (\d+)/g)) started = Number(m[1]);
      errTail = (errTail + s.replace(/START \d+\n/g, '')).slice(-2000);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const done = new Set(results.map((r) => r.index));
      if (results.length >= count && code === 0) return resolve({ results });
      const index = done.has(started) ? started + 1 : started;
      const why = /heap out of memory|Allocation failed/i.test(errTail)
        ? 'out of memory'
        : /Maximum call stack/i.test(errTail)
          ? 'stack overflow'
          : `exit ${code ?? signal}`;
      resolve({
        results,
        died: hung
          ? { index, outcome: 'hang', detail: `no result within ${o.caseTimeoutMs / 1000} s (killed)` }
          : {
              index,
              outcome: 'crash',
              detail: `the process died (${why}): ${errTail.trim().split('\n').slice(-3).join(' / ').slice(0, 300)}`,
            },
      });
    });
  });
}

/** Every case from `from` to `from + count - 1`, one result each, in order. */
export async function runCases(importer: Importer, from: number, count: number, o: BatchOptions): Promise<CaseResult[]> {
  const all: CaseResult[] = [];
  let next = from;
  const end = from + count;
  while (next < end) {
    const { results, died } = await runChild(importer, next, end - next, o);
    all.push(...results);
    next = results.length ? Math.max(next, ...results.map((r) => r.index + 1)) : next;
    if (died) {
      const c = generateCase(importer, died.index, nodeSeeds(), o.master);
      all.push({ index: died.index, label: c.label, expect: c.expect, outcome: died.outcome, detail: died.detail });
      next = died.index + 1;
    }
  }
  // A stray rejection is reported as a second line for its case: keep the failing one.
  const byIndex = new Map<number, CaseResult>();
  for (const r of all) {
    const prev = byIndex.get(r.index);
    if (!prev || (PASSING.includes(prev.outcome) && !PASSING.includes(r.outcome))) byIndex.set(r.index, r);
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
