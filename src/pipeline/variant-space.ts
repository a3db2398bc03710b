/**
 * The vectors side of an analysis: each source's embeddings, its whitening fit, each variant's vectors
 * as searched (whitened once into shared memory), and searches in them (a seed's neighbours, query
 * vectors placed like the variant's). The pipeline (analysis.ts) builds on it and fills `rows`.
 */
import type { Embeddings, KnnResult, Whitening } from '../compute/types.ts';
import type { Corpus } from '../data/corpus.ts';
import type { ModelCard } from '../encoders/card.ts';
import { isCancelled } from '../workers/host.ts';
import type { ComputeJob, PipelineDeps } from './deps.ts';
import type { Settings, VariantRow, Whiten } from './types.ts';

export class VariantSpace {
  readonly embeddings = new Map<string, Embeddings>();
  /** The rows as the pipeline last reported them (which source and whitening each variant is). */
  readonly rows = new Map<string, VariantRow>();
  private readonly whitenings = new Map<string, Promise<Whitening>>();
  private readonly variantVectors = new Map<string, Promise<Embeddings>>();
  /** Whoever asked for a source's embeddings before they arrived (a cached row is shown before them). */
  private readonly arrivals = new Map<string, Arrival>();
  protected cancelled = false;

  constructor(
    readonly corpus: Corpus,
    protected settings: Settings,
    protected readonly deps: PipelineDeps,
    /** ONNX bytes of the encoders the analyst imported, by card id (built-in models are fetched). */
    protected readonly models: Map<string, Uint8Array>,
  ) {}

  /** A source's embeddings: at once when they are in, else once they arrive (rejected if its rows fail). */
  sourceEmbeddings(sourceId: string): Promise<Embeddings> {
    const x = this.embeddings.get(sourceId);
    if (x) return Promise.resolve(x);
    let a = this.arrivals.get(sourceId);
    if (!a) {
      a = arrival();
      this.arrivals.set(sourceId, a);
    }
    return a.promise;
  }

  /** A source's embeddings are in: kept, and handed to whoever waits for them. */
  protected setEmbeddings(sourceId: string, x: Embeddings): void {
    this.embeddings.set(sourceId, x);
    this.arrivals.get(sourceId)?.resolve(x);
    this.arrivals.delete(sourceId);
  }

  /** A source's embeddings will not come (its encoder failed or was cancelled): whoever waits hears why. */
  protected embeddingsFailed(sourceId: string, error: string): void {
    this.arrivals.get(sourceId)?.reject(new Error(error));
    this.arrivals.delete(sourceId);
  }

  whitening(encoderId: string): Promise<Whitening> {
    let w = this.whitenings.get(encoderId);
    if (!w) {
      const p = this.sourceEmbeddings(encoderId).then((x) => this.deps.compute.run((api) => api.fitWhitening(x)));
      p.catch(() => this.whitenings.delete(encoderId));
      this.whitenings.set(encoderId, p);
      w = p;
    }
    return w;
  }

  /**
   * The vectors a variant's KNN searches: raw (the source's own, shared), or whitened (all or the
   * top-k directions) — computed once per variant on the pool into shared memory and kept, so the
   * metrics, the gallery's searches and the UMAP panels all read the same buffer. A computation cut
   * short by a settings change is started again for whoever asks next.
   */
  variantEmbeddings(variant: string): Promise<Embeddings> {
    let v = this.variantVectors.get(variant);
    if (!v) {
      const p = this.computeVariant(variant);
      v = p;
      p.catch(() => {
        if (this.variantVectors.get(variant) === p) this.variantVectors.delete(variant);
      });
      this.variantVectors.set(variant, p);
    }
    return v.catch((e: unknown) => {
      // The pool restarted under it (new settings): compute again, unless the session is gone.
      if (isCancelled(e) && !this.cancelled) {
        if (this.variantVectors.get(variant) === v) this.variantVectors.delete(variant);
        return this.variantEmbeddings(variant);
      }
      throw e;
    });
  }

  private async computeVariant(variant: string): Promise<Embeddings> {
    const row = this.rows.get(variant);
    if (!row) throw new Error(`unknown variant ${variant}`);
    const x = await this.sourceEmbeddings(row.encoderId);
    if (row.whiten === 'none') return x;
    const w = await this.whitening(row.encoderId);
    return this.deps.compute.run((api) => api.whiten(x, w, typeof row.whiten === 'number' ? row.whiten : null));
  }

  /** Embeds query images (size×size RGB) with one image encoder, in the encoder worker. */
  async embedImages(card: ModelCard, rgb: Uint8Array, count: number, size: number): Promise<Embeddings> {
    const r = await this.deps.encoder.embedQuery({
      card,
      modelUrl: this.deps.modelUrl(card),
      modelBytes: this.models.get(card.id),
      images: rgb,
      count,
      size,
      backend: this.settings.backend,
    });
    return r.embeddings;
  }

  /** Embeds typed query texts with one text encoder, in the encoder worker. */
  async embedTexts(card: ModelCard, texts: string[]): Promise<Embeddings> {
    const r = await this.deps.encoder.embedQuery({
      card,
      modelUrl: this.deps.modelUrl(card),
      modelBytes: this.models.get(card.id),
      images: new Uint8Array(0),
      texts,
      count: texts.length,
      size: this.corpus.imageSize,
      backend: this.settings.backend,
    });
    return r.embeddings;
  }

  /** Top-k corpus items for raw query vectors of a variant's encoder (whitened like the variant). */
  async search(variant: string, queries: Embeddings, k: number): Promise<KnnResult> {
    const row = this.rows.get(variant);
    if (!row) throw new Error(`unknown variant ${variant}`);
    const x = await this.variantEmbeddings(variant);
    const q = row.whiten === 'none' ? queries : await this.projectQueries(row.encoderId, row.whiten, queries);
    const metric = this.settings.metric;
    return this.deps.compute.run((api) => api.query(x, q, k, metric));
  }

  /** Query vectors as the variant sees them (whitened with the corpus's μ and W). */
  async projectQueries(encoderId: string, whiten: Whiten, queries: Embeddings): Promise<Embeddings> {
    if (whiten === 'none') return queries;
    const w = await this.whitening(encoderId);
    return this.deps.compute.run((api) => api.whiten(queries, w, typeof whiten === 'number' ? whiten : null));
  }

  /**
   * A row's k nearest neighbours in a variant (itself excluded): from the metric run when the row was
   * one of its seeds, else searched now on the compute pool.
   */
  async neighboursOf(variant: string, row: number, k: number): Promise<{ indices: Int32Array; distances: Float64Array }> {
    const r = this.rows.get(variant);
    const knn = r?.knn;
    if (knn && k <= knn.k) {
      const at = binarySearch(knn.seeds, row);
      if (at >= 0) {
        return {
          indices: knn.indices.subarray(at * knn.k, at * knn.k + k),
          distances: knn.distances.subarray(at * knn.k, at * knn.k + k),
        };
      }
    }
    const x = await this.variantEmbeddings(variant);
    const metric = this.settings.metric;
    const res = await this.deps.compute.run((api) => api.neighbours(x, Int32Array.of(row), k, metric));
    return { indices: res.indices, distances: res.distances };
  }

  /** Runs a job on the compute pool (e.g. a projection or a query search). */
  compute<T>(job: ComputeJob<T>): Promise<T> {
    return this.deps.compute.run(job);
  }
}

interface Arrival {
  promise: Promise<Embeddings>;
  resolve(x: Embeddings): void;
  reject(e: Error): void;
}

function arrival(): Arrival {
  let resolve!: (x: Embeddings) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<Embeddings>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // nobody may be waiting when it fails
  return { promise, resolve, reject };
}

/** Index of `v` in the ascending array `a`, or -1. */
function binarySearch(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === v) return mid;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
