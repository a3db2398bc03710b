/**
 * Export: a TF Projector bundle, `.npy` of each chosen variant (raw or whitened, as the variant
 * searched them), the whitening parameters, and the metrics as JSON or CSV. Bundles are built and
 * zipped in the export worker so the page stays responsive at 100k items.
 */
import { useState } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import { resolveSeeds, useStore, type VariantRow } from '../state/store.ts';
import type { Remote } from '../workers/rpc.ts';
import type { ExportApi, WhiteningJob } from '../workers/export/export.worker.ts';
import { inExportWorker } from '../workers/export/client.ts';
import type { ExportVariant } from '../data/export/projector-bundle.ts';
import { metricsToJson, type MetricsExportRow } from '../data/export/metrics-json.ts';
import { metricsToCsv } from '../data/metrics-csv.ts';
import { useCompare, withCompare } from '../state/compare.ts';
import { download } from './download.ts';

type Status = { state: 'idle' | 'working' | 'done' | 'error'; message: string };

/** Runs one job in a fresh export worker (terminated after, so its memory goes with it). */
function inWorker<T>(job: (api: Remote<ExportApi>) => Promise<T>): Promise<T> {
  return inExportWorker('exporting', job);
}

/** Runs an export, reporting "working", then how long it took or what failed. */
async function runTimed(what: string, job: () => Promise<void>, setStatus: (s: Status) => void): Promise<void> {
  setStatus({ state: 'working', message: `exporting ${what}…` });
  const t0 = performance.now();
  try {
    await job();
    setStatus({ state: 'done', message: `exported ${what} in ${((performance.now() - t0) / 1000).toFixed(1)} s` });
  } catch (e) {
    setStatus({ state: 'error', message: `${what}: ${(e as Error).message}` });
  }
}

function zipBlob(bytes: Uint8Array): Blob {
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
}

export function ExportPanel({ session }: { session: AnalysisSession }) {
  const rows = useStore((s) => s.rows);
  const order = useStore((s) => s.order);
  const settings = useStore((s) => s.settings);
  /** Variants the analyst unticked (new variants start ticked). */
  const [unticked, setUnticked] = useState<string[]>([]);
  const [status, setStatus] = useState<Status>({ state: 'idle', message: '' });
  const ready = order.filter((v) => rows[v]?.status === 'done');
  const chosen = ready.filter((v) => !unticked.includes(v));
  const whitened = chosen.filter((v) => rows[v].whiten !== 'none');
  const busy = status.state === 'working';
  const { corpus } = session;

  const run = (what: string, job: () => Promise<void>) => runTimed(what, job, setStatus);

  const vectors = async (): Promise<ExportVariant[]> =>
    Promise.all(chosen.map(async (v) => ({ name: v, x: await session.variantEmbeddings(v) })));

  const projector = () =>
    run('TF Projector bundle', async () => {
      const variants = await vectors();
      const names = Object.keys(corpus.columns);
      const zip = await inWorker((api) =>
        api.projectorZip({
          variants,
          metadata: names.length ? { names, columns: names.map((n) => corpus.columns[n]) } : undefined,
          thumbnails: corpus.imageSize > 0 ? { images: corpus.images, n: corpus.n, size: corpus.imageSize } : undefined,
        }),
      );
      download(zipBlob(zip), `${corpus.name}-projector.zip`);
    });

  const npy = () =>
    run('.npy files', async () => {
      const variants = await vectors();
      download(zipBlob(await inWorker((api) => api.npyZip(variants))), `${corpus.name}-npy.zip`);
    });

  const whitening = () =>
    run('whitening parameters', async () => {
      const jobs: WhiteningJob[] = await Promise.all(
        whitened.map(async (v) => {
          const row = rows[v];
          const w = await session.whitening(row.encoderId);
          return {
            whitening: w,
            info: { variant: v, source: row.encoderId, keep: row.whiten === 'full' ? w.dim : (row.whiten as number), n: corpus.n },
          };
        }),
      );
      download(zipBlob(await inWorker((api) => api.whiteningZip(jobs))), `${corpus.name}-whitening.zip`);
    });

  const metricRows = (): VariantRow[] => chosen.map((v) => rows[v]).filter((r) => r.metrics);
  const seedCount = (r: VariantRow) =>
    r.knn?.seeds.length ?? (resolveSeeds(settings.seeds, corpus.n) === 'all' ? corpus.n : Number(resolveSeeds(settings.seeds, corpus.n)));

  const metricsJson = () =>
    run('metrics (JSON)', async () => {
      const list: MetricsExportRow[] = metricRows().map((r) => ({
        variant: r.variant,
        source: r.encoderId,
        whiten: r.whiten,
        seeds: seedCount(r),
        metrics: withCompare(r.variant, r.metrics!),
      }));
      const { pairs, ckaSample } = useCompare.getState();
      const names = new Set(list.map((r) => r.variant));
      const compared = pairs.filter((p) => names.has(p.a) && names.has(p.b));
      const text = metricsToJson(list, {
        ...(compared.length > 0 ? { pairs: compared, ckaSample } : {}),
        corpus: { name: corpus.name, n: corpus.n },
        settings: {
          k: settings.k,
          metric: settings.metric,
          seeds: settings.seeds,
          sampleSeed: settings.sampleSeed,
          whitenK: settings.whitenK,
        },
      });
      download(new Blob([text], { type: 'application/json' }), `${corpus.name}-metrics.json`);
    });

  const metricsCsv = () =>
    run('metrics (CSV)', async () => {
      const list = metricRows();
      const recall = session.identity ? ['1', '5', '10', '20'] : [];
      const text = metricsToCsv(
        list.map((r) => ({ variant: r.variant, metrics: withCompare(r.variant, r.metrics!) })),
        session.facetNames,
        recall,
      );
      download(new Blob([text], { type: 'text/csv' }), `${corpus.name}-metrics.csv`);
    });

  const toggle = (v: string) => setUnticked((u) => (u.includes(v) ? u.filter((x) => x !== v) : [...u, v]));
  const none = chosen.length === 0 || busy;

  return (
    <section className="panel" data-testid="export-panel">
      <div className="panel-head">
        <h2>Export</h2>
        <span className={status.state === 'error' ? 'error' : 'muted'} data-testid="export-status" data-state={status.state} role="status">
          {status.message}
        </span>
      </div>
      <p className="muted" style={{ margin: '0 0 6px' }}>
        Variants (raw, or whitened as the variant searched them): {ready.length === 0 && 'none ready yet'}
        {ready.map((v) => (
          <label key={v} className="variant" style={{ marginRight: 12 }} data-testid="export-variant" data-variant={v}>
            <input type="checkbox" checked={!unticked.includes(v)} onChange={() => toggle(v)} disabled={busy} /> {v}
          </label>
        ))}
      </p>
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <button
          data-testid="export-projector"
          disabled={none}
          onClick={() => void projector()}
          title="projector_config.json (+ .pbtxt for TensorBoard), tensors, metadata.tsv, sprite.png"
        >
          TF Projector bundle
        </button>
        <button data-testid="export-npy" disabled={none} onClick={() => void npy()} title="one float32 .npy per variant">
          .npy per variant
        </button>
        <button
          data-testid="export-whitening"
          disabled={busy || whitened.length === 0}
          onClick={() => void whitening()}
          title="μ, W, eigenvalues as .npy + whitening.json, per whitened variant"
        >
          Whitening (μ, W)
        </button>
        <button data-testid="export-metrics-json" disabled={none} onClick={() => void metricsJson()}>
          Metrics JSON
        </button>
        <button data-testid="export-metrics-csv" disabled={none} onClick={() => void metricsCsv()}>
          Metrics CSV
        </button>
      </div>
    </section>
  );
}
