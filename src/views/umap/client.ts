/**
 * The UMAP workers, seen from the page: a few dedicated workers (not the compute pool, which is
 * restarted on every settings change). A layout's model stays in the worker that fitted it, so
 * transforms of a query go there too.
 */
import { connect, callback, type Remote } from '../../workers/rpc.ts';
import type { ProjectJob, ProjectResult, UmapApi } from '../../workers/umap.worker.ts';
import type { Embeddings } from '../../compute/types.ts';

interface Slot {
  worker: Worker;
  api: Remote<UmapApi>;
  queued: number;
}

export class UmapClient {
  private readonly slots: Slot[];
  private readonly owner = new Map<string, Slot>();
  /** Finished layouts by key (a panel shown again, or remounted, gets its layout back at once). */
  private readonly done = new Map<string, Promise<ProjectResult>>();

  constructor(size = defaultWorkers()) {
    this.slots = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('../../workers/umap.worker.ts', import.meta.url), { type: 'module', name: 'umap' });
      return { worker, api: connect<UmapApi>(worker), queued: 0 };
    });
  }

  /**
   * Fits a layout on the least busy worker; the model is kept there under `job.key`. A key fitted
   * (or being fitted) before returns that result: same key, same input, same seed.
   */
  project(job: ProjectJob, onProgress?: (done: number, total: number) => void): Promise<ProjectResult> {
    const known = this.done.get(job.key);
    if (known) return known.then((r) => ({ ...r, coords: r.coords.slice() }));
    const p = this.fit(job, onProgress);
    this.done.set(job.key, p);
    p.catch(() => this.done.delete(job.key));
    return p.then((r) => ({ ...r, coords: r.coords.slice() }));
  }

  private async fit(job: ProjectJob, onProgress?: (done: number, total: number) => void): Promise<ProjectResult> {
    const slot = this.slots.reduce((a, b) => (b.queued < a.queued ? b : a));
    const previous = this.owner.get(job.key);
    if (previous && previous !== slot) void previous.api.forget(job.key);
    this.owner.set(job.key, slot);
    slot.queued++;
    try {
      return await slot.api.project(job, onProgress ? callback(onProgress) : undefined);
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
