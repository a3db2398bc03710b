/**
 * Comparing variants (issue 11): the pairwise matrix (mean overlap@K, linear CKA), each variant's
 * hubness, the chosen pair's per-item overlap, and the downstream probe per variant. The numbers come
 * from the compute workers (src/compute/compare via compute.worker.ts); this file only schedules the
 * jobs and keeps the results. The probe runs on its own one-worker pool, so cancelling it (a hard
 * restart of that pool) never touches the metric jobs.
 */
import { create } from 'zustand';
import type { HubnessScore, PairScore, ProbeScore, VariantMetrics } from '../compute/evaluate.ts';
import type { CompareResult } from '../workers/compute/compute.worker.ts';
import { CancelledError, ComputePool } from '../workers/compute/pool.ts';
import { callback } from '../workers/rpc.ts';
import type { AnalysisSession } from './session.ts';
import { useStore, type VariantRow } from './store.ts';

export interface ProbeState {
  status: 'queued' | 'running' | 'done' | 'error' | 'cancelled';
  progress: number;
  scores?: Record<string, ProbeScore>;
  error?: string;
}

export interface PairOverlap {
  a: string;
  b: string;
  k: number;
  /** overlap@K per seed, in the order of `seeds`. */
  values: Float64Array;
  seeds: Int32Array;
}

export interface CompareState {
  /** The corpus the results belong to (a new corpus clears them). */
  corpus: string | null;
  /** Signature of the rows the matrix was computed from (settings + finished variants). */
  key: string | null;
  status: 'idle' | 'running' | 'done' | 'error';
  progress: number;
  error?: string;
  pairs: PairScore[];
  hubness: Record<string, HubnessScore>;
  ckaSample: CompareResult['ckaSample'];
  /** The pair chosen on the matrix (row variant, column variant). */
  pair: [string, string] | null;
  overlap: PairOverlap | null;
  probes: Record<string, ProbeState>;
}

const empty = (corpus: string | null): Omit<CompareState, 'probes'> & { probes: Record<string, ProbeState> } => ({
  corpus,
  key: null,
  status: 'idle',
  progress: 0,
  pairs: [],
  hubness: {},
  ckaSample: null,
  pair: null,
  overlap: null,
  probes: {},
});

export const useCompare = create<CompareState>()(() => empty(null));

function patchProbe(variant: string, patch: Partial<ProbeState>): void {
  useCompare.setState((s) => {
    const prev: ProbeState = s.probes[variant] ?? { status: 'queued', progress: 0 };
    return { probes: { ...s.probes, [variant]: { ...prev, ...patch } } };
  });
}

/** Clears everything when the session's corpus is not the one the results belong to. */
export function bindCorpus(hash: string): void {
  if (useCompare.getState().corpus !== hash) {
    probePool?.restart();
    useCompare.setState(empty(hash));
  }
}

/** Finished rows with neighbour lists, in table order. */
export function finishedRows(rows: Record<string, VariantRow>, order: string[]): VariantRow[] {
  return order.map((v) => rows[v]).filter((r): r is VariantRow => r !== undefined && r.status === 'done' && r.knn !== undefined);
}

/** No row is still waiting or running. */
export function allSettled(rows: Record<string, VariantRow>, order: string[]): boolean {
  return order.every((v) => rows[v] === undefined || rows[v].status === 'done' || rows[v].status === 'error');
}

/** K used for the comparison: the setting, clamped to the shortest neighbour list. */
function compareK(done: VariantRow[], k: number): number {
  return Math.min(k, ...done.map((r) => r.knn!.k));
}

/**
 * Computes the matrix over every finished variant (at least two) unless it is up to date. A newer
 * call supersedes a running one (its result is dropped).
 */
export async function runCompare(session: AnalysisSession): Promise<void> {
  bindCorpus(session.corpus.hash);
  const { rows, order, settings } = useStore.getState();
  // Once every row has settled: a matrix per finished row would redo all pairs each time.
  if (!allSettled(rows, order)) return;
  const done = finishedRows(rows, order);
  if (done.length < 2) return;
  const k = compareK(done, settings.k);
  const lists = done.map((r) => `${r.variant}:${r.knn!.seeds.length}`).join(',');
  const key = `${settings.k}|${settings.metric}|${settings.seeds}|${settings.sampleSeed}|${lists}`;
  const st = useCompare.getState();
  if (st.key === key && st.status !== 'error') return;
  useCompare.setState({ key, status: 'running', progress: 0, error: undefined });
  const mine = () => useCompare.getState().key === key;
  try {
    const variants = await Promise.all(
      done.map(async (r) => ({ name: r.variant, x: await session.variantEmbeddings(r.variant), knn: r.knn! })),
    );
    const onProgress = callback((d: number, t: number) => {
      if (mine()) useCompare.setState({ progress: t > 0 ? d / t : 0 });
    });
    const res = await session.compute((api) => api.compare({ variants, k, sampleSeed: settings.sampleSeed }, onProgress));
    if (!mine()) return;
    const names = done.map((r) => r.variant);
    const pair = useCompare.getState().pair;
    const keep = pair && names.includes(pair[0]) && names.includes(pair[1]);
    const { pairs, hubness, ckaSample } = res;
    useCompare.setState({ status: 'done', progress: 1, pairs, hubness, ckaSample, ...(keep ? {} : { pair: [names[0], names[1]] }) });
    if (!keep) void choosePair(session, names[0], names[1]);
  } catch (e) {
    if (!mine()) return;
    if (e instanceof CancelledError) useCompare.setState({ key: null, status: 'idle' });
    else useCompare.setState({ status: 'error', error: (e as Error).message });
  }
}

/** Chooses the pair shown in the histogram and the changed-most list; computes its per-item overlap. */
export async function choosePair(session: AnalysisSession, a: string, b: string): Promise<void> {
  useCompare.setState({ pair: [a, b] });
  const { rows, settings } = useStore.getState();
  const ra = rows[a]?.knn;
  const rb = rows[b]?.knn;
  if (!ra || !rb) return;
  const k = Math.min(settings.k, ra.k, rb.k);
  const cur = useCompare.getState().overlap;
  if (cur && cur.a === a && cur.b === b && cur.k === k && cur.seeds === ra.seeds) return;
  const values = await session.compute((api) => api.overlap(ra, rb, k));
  const p = useCompare.getState().pair;
  if (p && p[0] === a && p[1] === b) useCompare.setState({ overlap: { a, b, k, values, seeds: ra.seeds } });
}

/** Mean overlap and CKA of a pair, in either order. */
export function pairScore(pairs: PairScore[], a: string, b: string): PairScore | undefined {
  return pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
}

let probePool: ComputePool | null = null;
let probeRun = 0;

/** Trains the probe on every facet of each variant in turn (one worker), with progress per variant. */
export async function runProbes(session: AnalysisSession, variants: string[]): Promise<void> {
  bindCorpus(session.corpus.hash);
  probePool ??= new ComputePool(1);
  const run = ++probeRun;
  for (const v of variants) patchProbe(v, { status: 'queued', progress: 0, error: undefined });
  for (const v of variants) {
    if (run !== probeRun) return;
    patchProbe(v, { status: 'running' });
    try {
      const x = await session.variantEmbeddings(v);
      const onProgress = callback((d: number, t: number) => patchProbe(v, { progress: t > 0 ? d / t : 0 }));
      const scores = await probePool.run((api) => api.probe(x, session.facets, onProgress));
      if (run === probeRun) patchProbe(v, { status: 'done', progress: 1, scores });
    } catch (e) {
      if (e instanceof CancelledError) return;
      patchProbe(v, { status: 'error', error: (e as Error).message });
    }
  }
}

/** Stops the probe at once (its worker is replaced); unfinished variants are marked cancelled. */
export function cancelProbes(): void {
  probeRun++;
  probePool?.restart();
  useCompare.setState((s) => ({
    probes: Object.fromEntries(
      Object.entries(s.probes).map(([v, p]) => [
        v,
        p.status === 'done' || p.status === 'error' ? p : { ...p, status: 'cancelled' as const },
      ]),
    ),
  }));
}

/** A row's metrics with the probe and hubness figures the comparison found (for the table and exports). */
export function withCompare(
  variant: string,
  metrics: VariantMetrics,
  s: Pick<CompareState, 'probes' | 'hubness'> = useCompare.getState(),
): VariantMetrics {
  const probe = s.probes[variant]?.scores;
  const hub = s.hubness[variant];
  if (!probe && !hub) return metrics;
  return { ...metrics, ...(probe ? { probe } : {}), ...(hub ? { hubness: hub } : {}) };
}
