/**
 * One analysis over a corpus, as a pipeline: settings in, events out. It encodes every model (or
 * reads the cache), fits whitening per source, and fills one row per variant (metrics + neighbour
 * lists) as each finishes, emitting an event for every change. It knows nothing of React, zustand or
 * persistence: the app's store is one listener (src/state/session.ts), and the unit tests run it in
 * Node with the compute API in-process (tests/pipeline). All heavy work goes through `deps`.
 */
import type { Embeddings, KnnResult, LabelColumn } from '../compute/types.ts';
import { encodeLabels, isFacet } from '../compute/labels.ts';
import { evaluationOptions, type VariantMetrics } from '../compute/evaluate.ts';
import { sampleSeeds } from '../compute/sampling.ts';
import { variantName } from '../compute/whiten-spec.ts';
import type { Corpus } from '../data/corpus.ts';
import type { Workspace } from '../data/import/types.ts';
import { textColumn, type ModelCard } from '../encoders/card.ts';
import { embeddingSources, type EmbeddingSource } from '../state/embedding-sources.ts';
import { callback } from '../workers/rpc.ts';
import { errorCode, isCancelled } from '../workers/host.ts';
import { shareArrays } from '../workers/shared-memory.ts';
import type { PipelineDeps } from './deps.ts';
import { VariantSpace } from './variant-space.ts';
import { resolveSeeds, type EncoderStatus, type Settings, type VariantRow, type Whiten } from './types.ts';

/** Columns never treated as facets: they identify items rather than group them. */
const NOT_FACETS = new Set(['id', 'identity', 'title']);

/** A metrics row as the cache holds it. */
type CachedRow = { metrics: VariantMetrics; knn: KnnResult };

export type PipelineEvent =
  | { type: 'encoder'; id: string; patch: Partial<EncoderStatus> }
  | { type: 'rows'; rows: VariantRow[] }
  | { type: 'row'; variant: string; patch: Partial<VariantRow> }
  | { type: 'error'; message: string };

export class AnalysisPipeline extends VariantSpace {
  readonly facets: LabelColumn[];
  readonly identity?: LabelColumn;
  /** Models plus fused sources; one metrics row per source × whitening. */
  readonly sources: EmbeddingSource[];
  private readonly listeners = new Set<(e: PipelineEvent) => void>();
  private generation = 0;
  /** The encode loop in progress (null when no model is being encoded). */
  private encoding: Promise<void> | null = null;
  /** Cache reads of metric rows, by key, until a row is shown from them (see showCachedRows). */
  private readonly cachedRowReads = new Map<string, Promise<CachedRow | null>>();

  constructor(
    corpus: Corpus,
    readonly cards: ModelCard[],
    imported: Pick<Workspace, 'variants' | 'encoders'>,
    settings: Settings,
    deps: PipelineDeps,
  ) {
    super(corpus, settings, deps, new Map(imported.encoders.map((e) => [e.card.id, e.model])));
    this.sources = embeddingSources(cards, imported.variants);
    this.facets = Object.entries(corpus.columns)
      .filter(([name, values]) => !NOT_FACETS.has(name) && isFacet(values))
      .map(([name, values]) => encodeLabels(name, values));
    const identity = corpus.columns.identity;
    this.identity = identity ? encodeLabels('identity', identity) : undefined;
  }

  get facetNames(): string[] {
    return this.facets.map((f) => f.name);
  }

  /** Listens to every event; returns the function that stops listening. */
  on(listener: (e: PipelineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: PipelineEvent): void {
    for (const l of this.listeners) l(e);
  }

  private setEncoder(id: string, patch: Partial<EncoderStatus>): void {
    this.emit({ type: 'encoder', id, patch });
  }

  private setRow(variant: string, patch: Partial<VariantRow>): void {
    const row = this.rows.get(variant);
    if (!row) return;
    this.rows.set(variant, { ...row, ...patch });
    this.emit({ type: 'row', variant, patch });
  }

  /** Encodes every model in turn (cache first), scheduling its metric rows as soon as it is ready. */
  async start(): Promise<void> {
    if (this.cancelled) return; // disposed meanwhile
    for (const card of this.cards) this.setEncoder(card.id, { name: card.name, state: 'queued', done: 0, total: this.corpus.n });
    this.resetRows();
    this.showCachedRows();
    for (const s of this.sources) if (s.precomputed) this.ready(s.id, s.precomputed);
    // Every model's cached embeddings at once (a warm load reads them all in parallel), then encode the rest in turn.
    const cached = await Promise.all(this.cards.map((card) => this.readCachedEmbeddings(card)));
    this.cards.forEach((card, i) => {
      const x = cached[i];
      if (!x || this.embeddings.has(card.id)) return;
      this.setEncoder(card.id, { state: 'cached', done: x.n });
      this.ready(card.id, x);
    });
    await this.encodeMissing();
  }

  private async readCachedEmbeddings(card: ModelCard): Promise<Embeddings | null> {
    const x = await this.deps.cache.readEmbeddings(this.deps.cache.embeddingsKey(card.sha256, this.corpus.hash));
    return x && x.n === this.corpus.n && x.dim === card.output.dim ? x : null;
  }

  /** New settings: drop running metric jobs and recompute every row from the embeddings we have. */
  setSettings(settings: Settings): void {
    this.settings = settings;
    this.generation++;
    this.deps.compute.restart();
    this.resetRows();
    this.showCachedRows();
    for (const id of this.embeddings.keys()) this.schedule(id, this.generation);
  }

  /**
   * Resolves once no model is being encoded. Work that no metrics row waits for (UMAP layouts) waits
   * for it, so the encoders, on which every row depends, have the cores (docs/BENCHMARKS.md).
   */
  async whenEncoded(): Promise<void> {
    while (this.encoding) await this.encoding;
  }

  /** Encodes every model that has no embeddings yet; after a cancel, the rest are marked cancelled. */
  private encodeMissing(): Promise<void> {
    if (this.encoding) return this.encoding;
    const run = this.encodeEach().finally(() => {
      if (this.encoding === run) this.encoding = null;
    });
    this.encoding = run;
    return run;
  }

  private async encodeEach(): Promise<void> {
    for (const card of this.cards) {
      if (this.embeddings.has(card.id)) continue;
      if (this.cancelled) {
        this.setEncoder(card.id, { state: 'cancelled' });
        this.failRows(card.id, 'encoding was cancelled');
        continue;
      }
      await this.encode(card);
    }
  }

  /** Picks up after a cancel: encodes the models that were not finished. */
  async resume(): Promise<void> {
    this.cancelled = false;
    for (const card of this.cards) {
      if (this.embeddings.has(card.id)) continue;
      this.setEncoder(card.id, { state: 'queued', done: 0, error: undefined });
      const dependents = this.dependents(card.id);
      for (const row of this.rows.values())
        if (dependents.has(row.encoderId) && row.status !== 'done') this.setRow(row.variant, { status: 'pending', error: undefined });
    }
    await this.encodeMissing();
  }

  /** Stops encoding (the current batch finishes) and leaves finished rows in place. */
  cancel(): void {
    this.cancelled = true;
    void this.deps.encoder.cancel();
  }

  dispose(): void {
    this.cancelled = true;
    for (const s of this.sources) this.embeddingsFailed(s.id, 'the analysis was closed');
    this.deps.compute.terminate();
    this.deps.encoder.terminate();
    this.listeners.clear();
  }

  private dependents(sourceId: string): Set<string> {
    return new Set([sourceId, ...this.sources.filter((s) => s.fuse?.includes(sourceId)).map((s) => s.id)]);
  }

  /** A fused source becomes ready once both of its parts are. */
  private async fuseReady(): Promise<void> {
    for (const s of this.sources) {
      if (!s.fuse || this.embeddings.has(s.id)) continue;
      const a = this.embeddings.get(s.fuse[0]);
      const b = this.embeddings.get(s.fuse[1]);
      if (!a || !b) continue;
      try {
        this.ready(s.id, await this.deps.compute.run((api) => api.fuse(a, b)));
      } catch (e) {
        if (!isCancelled(e)) this.failRows(s.id, (e as Error).message);
        else void this.fuseReady();
      }
    }
  }

  private async encode(card: ModelCard): Promise<void> {
    const key = this.deps.cache.embeddingsKey(card.sha256, this.corpus.hash);
    const cached = await this.readCachedEmbeddings(card);
    if (cached) {
      this.setEncoder(card.id, { state: 'cached', done: cached.n });
      this.ready(card.id, cached);
      return;
    }
    if (card.modality === 'image' && this.corpus.imageSize === 0) {
      const message = `${card.file}: this corpus has no images to encode (import a manifest with an image column, or a projector sprite)`;
      this.setEncoder(card.id, { state: 'error', error: message });
      this.failRows(card.id, message);
      return;
    }
    this.setEncoder(card.id, { state: 'loading' });
    let state: EncoderStatus['state'] = 'loading';
    try {
      // Progress messages may arrive after the result: they only move a model that is still running.
      const onProgress = (done: number, total: number) => {
        if (state !== 'loading' && state !== 'encoding') return;
        state = 'encoding';
        this.setEncoder(card.id, { state: 'encoding', done, total });
      };
      const result = await this.deps.encoder.encode(
        {
          card,
          modelUrl: this.deps.modelUrl(card),
          modelBytes: this.models.get(card.id),
          images: this.corpus.images,
          texts: card.modality === 'text' ? this.corpus.columns[textColumn(card)] : undefined,
          count: this.corpus.n,
          size: this.corpus.imageSize,
          backend: this.settings.backend,
        },
        onProgress,
      );
      state = 'done';
      this.setEncoder(card.id, {
        state: 'done',
        backend: result.backend,
        backendReason: result.backendReason,
        done: this.corpus.n,
        itemsPerSecond: this.corpus.n / result.seconds,
        notice: result.notice,
      });
      await this.deps.cache.writeEmbeddings(key, result.embeddings);
      this.ready(card.id, result.embeddings);
    } catch (e) {
      state = 'error';
      const message = (e as Error).message;
      if (this.cancelled || errorCode(e) === 'cancelled') {
        this.setEncoder(card.id, { state: 'cancelled' });
        this.failRows(card.id, 'encoding was cancelled');
      } else {
        this.setEncoder(card.id, { state: 'error', error: message });
        this.emit({ type: 'error', message: `${card.name}: ${message}` });
        this.failRows(card.id, message);
      }
    }
  }

  private ready(sourceId: string, x: Embeddings): void {
    // In shared memory (one copy, once): every pool and UMAP worker reads it without a copy.
    this.setEmbeddings(sourceId, this.deps.share(x));
    this.schedule(sourceId, this.generation);
    void this.fuseReady();
  }

  private variants(source: EmbeddingSource): Whiten[] {
    const out: Whiten[] = ['none', 'full'];
    if (this.settings.whitenK < source.dim) out.push(this.settings.whitenK);
    return out;
  }

  private resetRows(): void {
    const rows: VariantRow[] = this.sources.flatMap((source) =>
      this.variants(source).map((whiten) => ({
        variant: variantName(source.id, whiten),
        encoderId: source.id,
        whiten,
        status: 'pending' as const,
        progress: 0,
      })),
    );
    this.rows.clear();
    for (const r of rows) this.rows.set(r.variant, r);
    this.emit({ type: 'rows', rows });
  }

  private failRows(sourceId: string, error: string): void {
    const dependents = this.dependents(sourceId);
    for (const id of dependents) this.embeddingsFailed(id, error);
    // A row shown from the cache keeps its metrics: they do not depend on this run's embeddings.
    for (const row of [...this.rows.values()])
      if (dependents.has(row.encoderId) && row.status !== 'done') this.setRow(row.variant, { status: 'error', error });
  }

  private metricsKey(variant: string, settings: Settings): string {
    const seeds = resolveSeeds(settings.seeds, this.corpus.n);
    return `metrics:v2|${this.vectorsKey(variant)}|k${settings.k}|${settings.metric}|seeds:${seeds}:${settings.sampleSeed}`;
  }

  /**
   * Every row the cache holds, shown at once: its key names the vectors without reading them, so a
   * warm load need not wait for the embeddings (or a fused source's fuse) first. The read is shared
   * with the row's evaluation, which computes the row only when the cache misses.
   */
  private showCachedRows(): void {
    const generation = this.generation;
    const start = performance.now();
    for (const row of this.rows.values()) {
      const key = this.metricsKey(row.variant, this.settings);
      void this.cachedRow(key).then((cached) => {
        if (!cached || generation !== this.generation || this.rows.get(row.variant)?.status === 'done') return;
        this.cachedRowReads.delete(key);
        this.setRow(row.variant, {
          status: 'done',
          progress: 1,
          metrics: cached.metrics,
          knn: shareArrays(cached.knn),
          seconds: (performance.now() - start) / 1000,
          cached: true,
        });
      });
    }
  }

  private cachedRow(key: string): Promise<CachedRow | null> {
    let read = this.cachedRowReads.get(key);
    if (!read) {
      read = this.deps.cache
        .read<CachedRow>(key)
        .then((c) => (c?.knn?.indices instanceof Int32Array && c.metrics ? c : null))
        .catch(() => null);
      this.cachedRowReads.set(key, read);
    }
    return read;
  }

  private schedule(encoderId: string, generation: number): void {
    const source = this.sources.find((c) => c.id === encoderId)!;
    const seeds = sampleSeeds(this.corpus.n, resolveSeeds(this.settings.seeds, this.corpus.n), this.settings.sampleSeed);
    for (const whiten of this.variants(source)) void this.evaluate(encoderId, whiten, seeds, this.settings, generation);
  }

  private async evaluate(encoderId: string, whiten: Whiten, seeds: Int32Array, settings: Settings, generation: number) {
    const variant = variantName(encoderId, whiten);
    const update = (patch: Partial<VariantRow>) => {
      if (generation === this.generation) this.setRow(variant, patch);
    };
    const start = performance.now();
    const key = this.metricsKey(variant, settings);
    try {
      // A row the cache holds is shown by showCachedRows (from this same read): only a miss is computed.
      if (this.rows.get(variant)?.status === 'done') return;
      const cached = await this.cachedRow(key);
      this.cachedRowReads.delete(key);
      if (cached || generation !== this.generation) return;
      // The variant's vectors, whitened once into shared memory; the KNN searches them as they are.
      const x = await this.variantEmbeddings(variant);
      if (generation !== this.generation) return;
      update({ status: 'running' });
      const opts = evaluationOptions({ ...settings, seeds, facets: this.facets, identity: this.identity });
      const { metrics, knn } = await this.deps.compute.run((api, alive) =>
        api.evaluate(
          { x, ...opts },
          callback((done: number, total: number) => {
            alive();
            update({ progress: done / total });
          }),
        ),
      );
      // Stored before the row says done: a reload right after it finds the row in the cache.
      await this.deps.cache.write(key, { metrics, knn });
      update({ status: 'done', progress: 1, metrics, knn: shareArrays(knn), seconds: (performance.now() - start) / 1000, cached: false });
    } catch (e) {
      if (isCancelled(e) || generation !== this.generation) return;
      update({ status: 'error', error: (e as Error).message });
    }
  }

  /**
   * Identifies a variant's vectors by where they come from (the source's embeddings and the
   * whitening), without reading them: the key its metrics and its UMAP layout are cached under.
   */
  vectorsKey(variant: string): string {
    const row = this.rows.get(variant);
    if (!row) throw new Error(`unknown variant ${variant}`);
    return `${this.sourceKey(row.encoderId)}|${row.whiten}`;
  }

  /** Identifies a source's embeddings: model hash + corpus hash, or those of a fused source's parts. */
  private sourceKey(id: string): string {
    const source = this.sources.find((s) => s.id === id)!;
    if (source.fuse) return `fused(${source.fuse.map((p) => this.sourceKey(p)).join(',')})`;
    if (source.precomputed) return `imported:${this.corpus.hash}:${source.id}`;
    return this.deps.cache.embeddingsKey(source.card!.sha256, this.corpus.hash);
  }
}
