/**
 * The UMAP workers, seen from the page: a few dedicated workers (not the compute pool, which is
 * restarted on every settings change), each behind a WorkerHost (crash → re-run once, typed errors,
 * lazy respawn). A layout's model stays in the worker that fitted it, so placement chunks and
 * transforms of a query go there too.
 */
import { callback } from '../rpc.ts';
import { WorkerHost } from '../host.ts';
import type { CachedLayout, LayoutParams, PlacedChunk, ProjectResult, UmapApi } from './umap.worker.ts';
import type { Embeddings, KnnResult } from '../../compute/types.ts';
import { PLACE_CHUNK } from '../../compute/umap/project.ts';

export interface ProjectHooks {
  /** Fit progress, 0…total. */
  onProgress?: (done: number, total: number) => void;
  /** The fitted layout (sample rows placed, the others NaN) before any item is placed by transform. */
  onLayout?: (r: ProjectResult) => void;
  /** A chunk placed by transform; `placed` of `total` so far. */
  onPlaced?: (chunk: PlacedChunk, placed: number, total: number) => void;
}

/** A layout to show: its parameters, and the vectors and neighbour lists, asked for only when it must be fitted. */
export interface LayoutRequest extends LayoutParams {
  vectors: () => Promise<Embeddings>;
  /** The exact KNN graph to reuse (every row, k ≥ 15), or null to search it in the worker; may wait for it. */
  knn: () => Promise<KnnResult | null>;
}

/** A finished layout: every row placed. */
export interface LayoutResult extends ProjectResult {
  /** Seconds from the request to the fitted (sample) layout, and to every item placed. */
  fitSeconds: number;
  totalSeconds: number;
}

const spawn = () => new Worker(new URL('./umap.worker.ts', import.meta.url), { type: 'module', name: 'umap' });

export class UmapClient {
  private readonly hosts: WorkerHost<UmapApi>[];
  private readonly owner = new Map<string, WorkerHost<UmapApi>>();
  /** Finished layouts by key (a panel shown again, or remounted, gets its layout back at once). */
  private readonly done = new Map<string, Promise<LayoutResult>>();
  /** Layouts read from the cache whose model for queries is not rebuilt yet: how to rebuild it. */
  private readonly adoptable = new Map<string, () => Promise<void>>();

  /**
   * `turn`: awaited after a cache miss before each fit, e.g. until the encoders are done, so layouts
   * never take cores from work the metrics rows wait for.
   */
  constructor(
    private readonly turn?: () => Promise<void>,
    size = defaultWorkers(),
  ) {
    this.hosts = Array.from({ length: size }, () => new WorkerHost<UmapApi>({ name: 'UMAP', spawn }));
  }

  /**
   * Reads a layout from the cache, or fits it on the least busy worker, then (above 20 000 items)
   * places the other items chunk by chunk, reporting each; the model is kept there under `req.key`.
   * A cached layout needs neither the vectors nor the neighbour lists. A key fitted (or being
   * fitted) before returns that result: same key, same input, same seed.
   */
  project(req: LayoutRequest, hooks: ProjectHooks = {}): Promise<LayoutResult> {
    const known = this.done.get(req.key);
    if (known) return known.then((r) => ({ ...r, coords: r.coords.slice() }));
    const p = this.fit(req, hooks);
    this.done.set(req.key, p);
    p.catch(() => this.done.delete(req.key));
    return p.then((r) => ({ ...r, coords: r.coords.slice() }));
  }

  private async fit(req: LayoutRequest, hooks: ProjectHooks): Promise<LayoutResult> {
    const t0 = performance.now();
    this.adoptable.delete(req.key);
    const { vectors, knn, ...params } = req;
    let host = this.take(req.key);
    const hit = await host.call('reading a cached layout', (api) => api.cached(params));
    if (hit) {
      const copy: CachedLayout = { ...hit, coords: hit.coords.slice() };
      this.adoptable.set(req.key, async () => {
        const x = await vectors();
        await host.call('restoring a cached layout', (api) => api.adopt(params, x, copy));
      });
      hooks.onProgress?.(1, 1);
      const seconds = (performance.now() - t0) / 1000;
      const fitted = hit.fitted ? hit.fitted.length : req.n;
      const timings = { knn: 0, graph: 0, init: 0, sgd: 0, rest: 0 };
      return {
        cached: true,
        coords: hit.coords,
        reusedKnn: false,
        fitted,
        rest: 0,
        epochs: hit.epochs,
        timings,
        seconds,
        fitSeconds: seconds,
        totalSeconds: seconds,
      };
    }
    if (this.turn) await this.turn();
    const x = await vectors();
    const graph = await knn();
    host = this.take(req.key); // the least busy worker now, not when the panel asked
    const progress = hooks.onProgress;
    const fitted = await host.call(`fitting a layout of ${x.n} items`, (api, alive) =>
      api.fit(
        { ...params, x, knn: graph },
        callback((done: number, total: number) => {
          alive();
          progress?.(done, total);
        }),
      ),
    );
    const fitSeconds = (performance.now() - t0) / 1000;
    if (fitted.rest === 0) return { ...fitted, fitSeconds, totalSeconds: fitSeconds };
    hooks.onLayout?.({ ...fitted, coords: fitted.coords.slice() });
    const coords = fitted.coords;
    // One chunk at a time: other layouts' jobs queued on this worker run in between. A restarted
    // worker has lost the model, so placement is not retried (the panel asks again).
    for (let start = 0; start < fitted.rest; start += PLACE_CHUNK) {
      const chunk = await host.call('placing items', (api) => api.place(req.key, start, PLACE_CHUNK), { retries: 0 });
      for (let i = 0; i < chunk.rows.length; i++) {
        coords[chunk.rows[i] * 2] = chunk.coords[i * 2];
        coords[chunk.rows[i] * 2 + 1] = chunk.coords[i * 2 + 1];
      }
      hooks.onPlaced?.(chunk, Math.min(fitted.rest, start + PLACE_CHUNK), fitted.rest);
    }
    return { ...fitted, coords, fitSeconds, totalSeconds: (performance.now() - t0) / 1000 };
  }

  /** The least busy worker, made the owner of `key` (a previous owner forgets its model). */
  private take(key: string): WorkerHost<UmapApi> {
    const host = this.hosts.reduce((a, b) => (b.busy < a.busy ? b : a));
    const previous = this.owner.get(key);
    if (previous && previous !== host) void previous.call('forgetting a layout', (api) => api.forget(key)).catch(() => undefined);
    this.owner.set(key, host);
    return host;
  }

  /** Places new vectors in the layout stored under `key` (m × 2 coordinates). */
  async transform(key: string, queries: Embeddings): Promise<Float32Array> {
    const host = this.owner.get(key);
    if (!host) throw new Error(`no UMAP layout for ${key}`);
    const adopt = this.adoptable.get(key);
    if (adopt) {
      await adopt(); // a cached layout's model, rebuilt for its first query (kept for the next on failure)
      this.adoptable.delete(key);
    }
    return host.call('placing a query', (api) => api.transform(key, queries), { retries: 0 });
  }

  /** Stops every worker (their calls reject with CancelledError); the next call starts fresh ones. */
  dispose(): void {
    for (const h of this.hosts) h.terminate();
    this.owner.clear();
    this.done.clear();
    this.adoptable.clear();
  }
}

/** Two workers on small machines, up to four on large ones. */
function defaultWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(2, Math.min(4, Math.floor(cores / 2)));
}
