/**
 * The app's analysis session: the pipeline (src/pipeline/analysis.ts) wired to the browser — worker
 * clients, the IndexedDB cache, shared memory — with its events written into the zustand store.
 * Persistence stays outside too: the analyst's saved view is restored (persist.ts) before it starts.
 */
import type { Corpus } from '../data/corpus.ts';
import type { Workspace } from '../data/import/types.ts';
import type { ModelCard } from '../encoders/card.ts';
import { testFaults } from '../debug.ts';
import { AnalysisPipeline, type PipelineEvent } from '../pipeline/analysis.ts';
import type { PipelineDeps, ResultCache } from '../pipeline/deps.ts';
import { ComputePool } from '../workers/compute/pool.ts';
import { EncoderClient } from '../workers/encoder/client.ts';
import { toShared } from '../workers/shared-memory.ts';
import { cacheKey, readCached, readValue, rememberReads, writeCached, writeValue } from './embedding-cache.ts';
import { restoreSession } from './persist.ts';
import { modelUrl } from './sources.ts';
import { useStore } from './store.ts';

/**
 * The IndexedDB cache, listing the keys a session reads (every model's embeddings, the rows of the
 * current settings) so that the next load of the corpus reads them ahead (embedding-cache.ts).
 */
class SessionCache implements ResultCache {
  private readonly embeddingReads = new Set<string>();
  private readonly valueReads = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly corpusHash: string) {}

  embeddingsKey = cacheKey;
  writeEmbeddings = writeCached;
  write = writeValue;

  readEmbeddings(key: string) {
    this.note(this.embeddingReads, key);
    return readCached(key);
  }

  read<T>(key: string) {
    this.note(this.valueReads, key);
    return readValue<T>(key);
  }

  /** New settings: the rows read from now on replace the earlier ones in the list. */
  forgetValueReads(): void {
    this.valueReads.clear();
  }

  private note(set: Set<string>, key: string): void {
    set.add(key);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void rememberReads(this.corpusHash, [...this.embeddingReads, ...this.valueReads]), 2000);
  }
}

/** The workers, with the faults a resilience test armed (if any) injected into their hosts. */
function browserDeps(cache: ResultCache): PipelineDeps {
  const faults = testFaults();
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  const take = (what: 'crashEvaluates' | 'crashEncoder') => {
    if (!faults || (faults[what] ?? 0) <= 0) return false;
    faults[what]! -= 1;
    return true;
  };
  const compute = new ComputePool(Math.max(1, Math.min(cores, 4)), {
    faults: faults ? (what) => (what === 'running evaluate' && take('crashEvaluates') ? 0 : null) : undefined,
  });
  const encoder = new EncoderClient(undefined, {
    faults: faults ? (what) => (what.startsWith('encoding ') && take('crashEncoder') ? (faults.crashEncoderAfter ?? 2) : null) : undefined,
    loseDeviceAfter: faults
      ? () => {
          if ((faults.loseDevice ?? 0) <= 0) return null;
          faults.loseDevice! -= 1;
          return faults.loseDeviceAfter ?? 1;
        }
      : undefined,
  });
  return { compute, encoder, cache, modelUrl, share: toShared };
}

/** Writes one pipeline event into the store. */
function toStore(e: PipelineEvent): void {
  const store = useStore.getState();
  if (e.type === 'encoder') store.setEncoder(e.id, e.patch);
  else if (e.type === 'rows') store.resetRows(e.rows);
  else if (e.type === 'row') store.setRow(e.variant, e.patch);
  else store.addError(e.message);
}

export class AnalysisSession extends AnalysisPipeline {
  private readonly reads: SessionCache;

  constructor(corpus: Corpus, cards: ModelCard[], imported: Pick<Workspace, 'variants' | 'encoders'> = { variants: [], encoders: [] }) {
    const reads = new SessionCache(corpus.hash);
    super(corpus, cards, imported, useStore.getState().settings, browserDeps(reads));
    this.reads = reads;
    this.on(toStore);
    // A new backend applies to the encoders that run from now on; no row is recomputed for it.
    this.unsubscribe = useStore.subscribe((s, prev) => {
      if (s.settings.backend !== prev.settings.backend) this.settings = { ...this.settings, backend: s.settings.backend };
    });
  }

  private readonly unsubscribe: () => void;

  override dispose(): void {
    this.unsubscribe();
    super.dispose();
  }

  /** Restores the analyst's saved view for this corpus, then runs the pipeline with its settings. */
  override async start(): Promise<void> {
    await restoreSession(this.corpus.hash);
    this.settings = useStore.getState().settings;
    await super.start();
  }

  /** The settings in the store changed: recompute every row. */
  recompute(): void {
    this.reads.forgetValueReads();
    this.setSettings(useStore.getState().settings);
  }
}
