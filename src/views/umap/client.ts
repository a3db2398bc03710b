/**
 * The UMAP workers, seen from the page: a few dedicated workers (not the compute pool, which is
 * restarted on every settings change). A layout's model stays in the worker that fitted it, so
 * placement chunks and transforms of a query go there too.
 */
import { connect, callback, type Remote } from '../../workers/rpc.ts';
import type { PlacedChunk, ProjectJob, ProjectResult, UmapApi } from '../../workers/umap.worker.ts';
import type { Embeddings } from '../../compute/types.ts';
import { PLACE_CHUNK } from '../../compute/umap/project.ts';

export interface ProjectHooks {
  /** Fit progress, 0…total. */
  onProgress?: (done: number, total: number) => void;
  /** The fitted layout (sample rows placed, the others NaN) before any item is placed by transform. */
  onLayout?: (r: ProjectResult) => void;
  /** A chunk placed by transform; `placed` of `total` so far. */
  onPlaced?: (chunk: PlacedChunk, placed: number, total: number) => void;
}

/** A finished layout: every row placed. */
export interface LayoutResult extends ProjectResult {
  /** Seconds from the request to the fitted (sample) layout, and to every item placed. */
  fitSeconds: number;
  totalSeconds: number;
}

interface Slot {
  worker: Worker;
  api: Remote<UmapApi>;
  queued: number;
}

export class UmapClient {
  private readonly slots: Slot[];
  private readonly owner = new Map<string, Slot>();
  /** Finished layouts by key (a panel shown again, or remounted, gets its layout back at once). */
  private readonly done = new Map<string, Promise<LayoutResult>>();

  constructor(size = defaultWorkers()) {
    this.slots = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('../../workers/umap.worker.ts', import.meta.url), { type: 'module', name: 'umap' });
      return { worker, api: connect<UmapApi>(worker), queued: 0 };
    });
  }

  /**
   * Fits a layout on the least busy worker, then (above 20 000 items) places the other items chunk
   * by chunk, reporting each; the model is kept there under `job.key`. A key fitted (or being
   * fitted) before returns that result: same key, same input, same seed.
   */
  project(job: ProjectJob, hooks: ProjectHooks = {}): Promise<LayoutResult> {
    const known = this.done.get(job.key);
    if (known) return known.then((r) => ({ ...r, coords: r.coords.slice() }));
    const p = this.fit(job, hooks);
    this.done.set(job.key, p);
    p.catch(() => this.done.delete(job.key));
    return p.then((r) => ({ ...r, coords: r.coords.slice() }));
  }

  private async fit(job: ProjectJob, hooks: ProjectHooks): Promise<LayoutResult> {
    const t0 = performance.now();
    const slot = this.slots.reduce((a, b) => (b.queued < a.queued ? b : a));
    const previous = this.owner.get(job.key);
    if (previous && previous !== slot) void previous.api.forget(job.key);
    this.owner.set(job.key, slot);
    slot.queued++;
    try {
      const fitted = await slot.api.fit(job, hooks.onProgress ? callback(hooks.onProgress) : undefined);
      const fitSeconds = (performance.now() - t0) / 1000;
      if (fitted.rest === 0) return { ...fitted, fitSeconds, totalSeconds: fitSeconds };
      hooks.onLayout?.({ ...fitted, coords: fitted.coords.slice() });
      const coords = fitted.coords;
      // One chunk at a time: other layouts' jobs queued on this worker run in between.
      for (let start = 0; start < fitted.rest; start += PLACE_CHUNK) {
        const chunk = await slot.api.place(job.key, start, PLACE_CHUNK);
        for (let i = 0; i < chunk.rows.length; i++) {
          coords[chunk.rows[i] * 2] = chunk.coords[i * 2];
          coords[chunk.rows[i] * 2 + 1] = chunk.coords[i * 2 + 1];
        }
        hooks.onPlaced?.(chunk, Math.min(fitted.rest, start + PLACE_CHUNK), fitted.rest);
      }
      return { ...fitted, coords, fitSeconds, totalSeconds: (performance.now() - t0) / 1000 };
    } finally {
      slot.queued--;
    }
  }

  /** Places new vectors in the layout stored under `key` (m × 2 coordinates). */
  transform(key: string, queries: Embeddings): Promise<Float32Array> {
    const slot = this.owner.get(key);
    if (!slot) return Promise.reject(new Error(`no UMAP layout for ${key}`));
    return slot.api.transform(key, queries);
  }

  dispose(): void {
    for (const s of this.slots) s.worker.terminate();
    this.owner.clear();
    this.done.clear();
  }
}

/** Two workers on small machines, up to four on large ones. */
function defaultWorkers(): number {
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  return Math.max(2, Math.min(4, Math.floor(cores / 2)));
}
