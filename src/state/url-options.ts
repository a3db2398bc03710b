/**
 * The view lives in the URL so a link reproduces it:
 * `?corpus=emoji-styles&k=10&metric=cosine&seeds=1000&wk=32&seed=42&facet=style&color=category&hide=pixels,pixels%2Bw`
 * (`seeds` = auto | all | N; auto, the default, is left out) plus run options `backend=wasm|webgpu|auto` and `subset=N` (a seeded random subset, for quick checks).
 */
import type { BackendChoice } from '../encoders/backend.ts';
import type { Settings } from './store.ts';

export interface UrlOptions {
  corpus: string;
  backend: BackendChoice;
  /** Run on a seeded random subset of this many items (quick checks, e.g. WebGPU on SwiftShader). */
  subset: number | null;
  settings: Partial<Settings>;
  seed: number | null;
  facet: string | null;
  /** UMAP colouring: a facet, null for none, undefined for the default. */
  color: string | null | undefined;
  hidden: string[];
}

export interface UrlView {
  corpus: string;
  backend: BackendChoice;
  subset: number | null;
  settings: Settings;
  seed: number | null;
  facet: string | null;
  color: string | null | undefined;
  hidden: string[];
}

export function readUrlOptions(search: string): UrlOptions {
  const p = new URLSearchParams(search);
  const backend = p.get('backend');
  const int = (name: string, min = 1) => {
    const raw = p.get(name);
    const v = Number(raw);
    return raw !== null && raw !== '' && Number.isInteger(v) && v >= min ? v : null;
  };
  const settings: Partial<Settings> = {};
  const k = int('k');
  if (k) settings.k = k;
  const seeds = p.get('seeds');
  if (seeds === 'all' || seeds === 'auto') settings.seeds = seeds;
  else if (int('seeds')) settings.seeds = int('seeds')!;
  const metric = p.get('metric');
  if (metric === 'cosine' || metric === 'euclidean') settings.metric = metric;
  const wk = int('wk');
  if (wk) settings.whitenK = wk;
  const hide = p.get('hide');
  return {
    corpus: p.get('corpus') ?? 'emoji-styles',
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : 'auto',
    subset: int('subset'),
    settings,
    seed: int('seed', 0),
    facet: p.get('facet'),
    color: p.get('color') === 'none' ? null : (p.get('color') ?? undefined),
    hidden: hide ? hide.split(',').filter(Boolean) : [],
  };
}

/** The query string for a view (defaults left out, so links stay short). */
export function writeUrlView(v: UrlView): string {
  const p = new URLSearchParams();
  p.set('corpus', v.corpus);
  if (v.backend !== 'auto') p.set('backend', v.backend);
  if (v.subset) p.set('subset', String(v.subset));
  p.set('k', String(v.settings.k));
  p.set('metric', v.settings.metric);
  if (v.settings.seeds !== 'auto') p.set('seeds', String(v.settings.seeds));
  p.set('wk', String(v.settings.whitenK));
  if (v.seed !== null) p.set('seed', String(v.seed));
  if (v.facet) p.set('facet', v.facet);
  if (v.color !== undefined) p.set('color', v.color ?? 'none');
  if (v.hidden.length) p.set('hide', v.hidden.join(','));
  return `?${p.toString()}`;
}
