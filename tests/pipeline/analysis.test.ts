/**
 * The analysis pipeline in Node, without a browser: the compute API runs in-process, the cache is a
 * Map, and the encoder is a stand-in that embeds each item's pixels. Rows must equal the compute core
 * called directly with the same options (the CLI's path), events must describe every change, and a
 * settings change must recompute.
 */
import { describe, expect, it } from 'vitest';
import { evaluateVariantWithKnn, evaluationOptions } from '../../src/compute/evaluate.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { sampleSeeds } from '../../src/compute/sampling.ts';
import { applyWhitening, fitWhitening } from '../../src/compute/whitening.ts';
import type { Embeddings } from '../../src/compute/types.ts';
import type { Corpus } from '../../src/data/corpus.ts';
import type { ModelCard } from '../../src/encoders/card.ts';
import { AnalysisPipeline, type PipelineEvent } from '../../src/pipeline/analysis.ts';
import type { PipelineDeps } from '../../src/pipeline/deps.ts';
import { defaultSettings, type Settings } from '../../src/pipeline/types.ts';
import { computeApi } from '../../src/workers/compute/api.ts';
import type { Remote } from '../../src/workers/rpc.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';

const N = 120;
const DIM = 12;

function corpus(): Corpus {
  const style = Array.from({ length: N }, (_, i) => `s${i % 3}`);
  const category = Array.from({ length: N }, (_, i) => `c${i % 5}`);
  const images = new Uint8Array(N * 2 * 2 * 3).map((_, i) => (i * 37) % 251);
  return { name: 'tiny', hash: 'tiny-hash', n: N, imageSize: 2, images, columns: { id: style.map((_, i) => `i${i}`), style, category } };
}

function vectors(seed: number): Embeddings {
  const rand = mulberry32(seed);
  const data = new Float32Array(N * DIM);
  for (let i = 0; i < N; i++) for (let d = 0; d < DIM; d++) data[i * DIM + d] = (d === i % 3 ? 3 : 0) + rand();
  return { n: N, dim: DIM, data };
}

function deps(log: string[] = []): PipelineDeps {
  const store = new Map<string, unknown>();
  return {
    compute: {
      run: async (job) => job(computeApi as unknown as Remote<typeof computeApi>, () => undefined),
      restart: () => log.push('restart'),
      terminate: () => log.push('terminate'),
    },
    encoder: {
      encode: async (job, onProgress) => {
        onProgress(job.count, job.count);
        const data = vectors(job.count).data;
        return { embeddings: { n: job.count, dim: 12, data }, backend: 'wasm', backendReason: 'test', seconds: 1 };
      },
      embedQuery: async () => {
        throw new Error('not used');
      },
      cancel: () => undefined,
      terminate: () => undefined,
    },
    cache: {
      embeddingsKey: (m, c) => `${m}:${c}`,
      readEmbeddings: async (k) => (store.get(k) as Embeddings) ?? null,
      writeEmbeddings: async (k, x) => void store.set(k, x),
      read: async <T>(k: string) => (store.get(k) as T) ?? null,
      write: async (k, v) => void store.set(k, v),
    },
    modelUrl: (card) => `/models/${card.file}`,
    share: (x) => x,
  };
}

async function settle(p: AnalysisPipeline, count: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const done = [...p.rows.values()].filter((r) => r.status === 'done' || r.status === 'error');
    if (p.rows.size === count && done.length === count) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('rows did not settle');
}

describe('analysis pipeline (Node, no browser)', () => {
  const settings: Settings = { ...defaultSettings, k: 5, whitenK: 4 };

  it('fills every row of imported variants with exactly what the compute core gives the CLI, and reports events', async () => {
    const c = corpus();
    const a = vectors(1);
    const events: PipelineEvent[] = [];
    const p = new AnalysisPipeline(
      c,
      [],
      { variants: [{ id: 'a', name: 'a', file: 'a.npy', embeddings: a }], encoders: [] },
      settings,
      deps(),
    );
    p.on((e) => events.push(e));
    await p.start();
    await settle(p, 3);
    expect([...p.rows.values()].map((r) => r.error ?? r.status)).toEqual(['done', 'done', 'done']);
    expect([...p.rows.keys()]).toEqual(['a', 'a+w', 'a+w4']);
    expect(events[0]).toMatchObject({ type: 'rows' });
    expect(events.some((e) => e.type === 'row' && e.variant === 'a+w' && e.patch.status === 'done')).toBe(true);

    const facets = ['style', 'category'].map((f) => encodeLabels(f, c.columns[f]));
    const seeds = sampleSeeds(N, 'all', settings.sampleSeed);
    const opts = evaluationOptions({ ...settings, seeds, facets });
    expect(p.rows.get('a')!.metrics).toEqual(evaluateVariantWithKnn(a, opts).metrics);
    const w = fitWhitening(a);
    expect(p.rows.get('a+w')!.metrics).toEqual(evaluateVariantWithKnn(applyWhitening(a, w), opts).metrics);
    expect(p.rows.get('a+w4')!.metrics).toEqual(evaluateVariantWithKnn(applyWhitening(a, w, 4), opts).metrics);
  });

  it('a settings change drops running jobs and recomputes every row; a second run reads the cache', async () => {
    const log: string[] = [];
    const d = deps(log);
    const imported = { variants: [{ id: 'a', name: 'a', file: 'a.npy', embeddings: vectors(2) }], encoders: [] };
    const p = new AnalysisPipeline(corpus(), [], imported, settings, d);
    await p.start();
    await settle(p, 3);
    p.setSettings({ ...settings, k: 3 });
    expect(log).toContain('restart');
    await settle(p, 3);
    expect(p.rows.get('a')!.metrics!.k).toBe(3);
    const again = new AnalysisPipeline(corpus(), [], imported, { ...settings, k: 3 }, d);
    await again.start();
    await settle(again, 3);
    expect(again.rows.get('a')!.cached).toBe(true);
    expect(again.rows.get('a')!.metrics).toEqual(p.rows.get('a')!.metrics);
  });

  it('encodes a model through the encoder, reports its status, and fails its rows when the corpus has no images', async () => {
    const card = { id: 'm', name: 'Model', file: 'm.onnx', sha256: 'abc', modality: 'image', output: { dim: 12 } } as unknown as ModelCard;
    const events: PipelineEvent[] = [];
    const p = new AnalysisPipeline(corpus(), [card], { variants: [], encoders: [] }, settings, deps());
    p.on((e) => events.push(e));
    await p.start();
    await settle(p, 3);
    expect(events.filter((e) => e.type === 'encoder').map((e) => (e as { patch: { state?: string } }).patch.state)).toEqual([
      'queued',
      'loading',
      'encoding',
      'done',
    ]);
    expect(p.rows.get('m+w')!.status).toBe('done');
    // Each variant's vectors are known by where they come from (the key of its metrics and layout).
    expect(['m', 'm+w', 'm+w4'].map((v) => p.vectorsKey(v))).toEqual(['abc:tiny-hash|none', 'abc:tiny-hash|full', 'abc:tiny-hash|4']);

    const blind = new AnalysisPipeline(
      { ...corpus(), imageSize: 0, images: new Uint8Array(0) },
      [card],
      { variants: [], encoders: [] },
      settings,
      deps(),
    );
    await blind.start();
    expect(blind.rows.get('m')).toMatchObject({ status: 'error', error: expect.stringMatching(/m\.onnx: this corpus has no images/) });
  });

  it('a warm start shows cached rows before the embeddings are read; vectors asked for meanwhile wait for them', async () => {
    const card = { id: 'm', name: 'Model', file: 'm.onnx', sha256: 'abc', modality: 'image', output: { dim: 12 } } as unknown as ModelCard;
    const none = { variants: [], encoders: [] };
    const d = deps();
    const first = new AnalysisPipeline(corpus(), [card], none, settings, d);
    await first.start();
    await settle(first, 3);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const readEmbeddings = d.cache.readEmbeddings;
    d.cache.readEmbeddings = async (k) => {
      await gate;
      return readEmbeddings(k);
    };
    const p = new AnalysisPipeline(corpus(), [card], none, settings, d);
    const started = p.start();
    await settle(p, 3);
    expect(p.embeddings.size).toBe(0);
    expect([...p.rows.values()].map((r) => [r.status, r.cached])).toEqual([
      ['done', true],
      ['done', true],
      ['done', true],
    ]);
    expect(p.rows.get('m+w4')!.metrics).toEqual(first.rows.get('m+w4')!.metrics);
    expect(p.rows.get('m+w4')!.knn!.indices).toEqual(first.rows.get('m+w4')!.knn!.indices);

    let arrived = false;
    const vectors = p.variantEmbeddings('m+w4').then((x) => ((arrived = true), x));
    await new Promise((r) => setTimeout(r, 20));
    expect(arrived).toBe(false);
    release();
    await started;
    expect(await vectors).toEqual(await first.variantEmbeddings('m+w4'));
    expect(p.rows.get('m')).toMatchObject({ status: 'done', cached: true });
  });

  it('vectors asked for while a model cannot be encoded fail with its message; the session keeps going', async () => {
    const card = { id: 'm', name: 'Model', file: 'm.onnx', sha256: 'abc', modality: 'image', output: { dim: 12 } } as unknown as ModelCard;
    const blind = { ...corpus(), imageSize: 0, images: new Uint8Array(0) };
    const p = new AnalysisPipeline(blind, [card], { variants: [], encoders: [] }, settings, deps());
    const started = p.start();
    const vectors = p.variantEmbeddings('m+w');
    await started;
    await expect(vectors).rejects.toThrow(/m\.onnx: this corpus has no images/);
    expect(p.rows.get('m+w')).toMatchObject({ status: 'error' });
  });

  it('whenEncoded waits for every model to be encoded (layouts wait for it), and is immediate when nothing encodes', async () => {
    const cards = ['m1', 'm2'].map(
      (id) => ({ id, name: id, file: `${id}.onnx`, sha256: id, modality: 'image', output: { dim: 12 } }) as unknown as ModelCard,
    );
    const order: string[] = [];
    const d = deps();
    const encode = d.encoder.encode;
    d.encoder.encode = async (job, onProgress) => {
      await new Promise((r) => setTimeout(r, 20));
      order.push(`encoded ${job.card.id}`);
      return encode(job, onProgress);
    };
    const p = new AnalysisPipeline(corpus(), cards, { variants: [], encoders: [] }, settings, d);
    await p.whenEncoded();
    order.push('idle before start');
    const started = p.start();
    await new Promise((r) => setTimeout(r, 0));
    const waited = p.whenEncoded().then(() => order.push('encoders done'));
    await Promise.all([started, waited]);
    expect(order).toEqual(['idle before start', 'encoded m1', 'encoded m2', 'encoders done']);
  });
});
