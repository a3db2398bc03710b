/** Options read once from the page URL: `?backend=wasm|webgpu|auto&subset=200&seeds=1000&k=10`. */
import type { BackendChoice } from '../workers/encoder.worker.ts';
import type { Settings } from './store.ts';

export interface UrlOptions {
  backend: BackendChoice;
  /** Run on a seeded random subset of this many items (quick checks, e.g. WebGPU on SwiftShader). */
  subset: number | null;
  settings: Partial<Settings>;
}

export function readUrlOptions(search: string): UrlOptions {
  const p = new URLSearchParams(search);
  const backend = p.get('backend');
  const int = (name: string) => {
    const v = Number(p.get(name));
    return Number.isInteger(v) && v > 0 ? v : null;
  };
  const settings: Partial<Settings> = {};
  const k = int('k');
  if (k) settings.k = k;
  const seeds = p.get('seeds');
  if (seeds === 'all') settings.seeds = 'all';
  else if (int('seeds')) settings.seeds = int('seeds')!;
  if (p.get('metric') === 'cosine' || p.get('metric') === 'euclidean') settings.metric = p.get('metric') as Settings['metric'];
  return {
    backend: backend === 'wasm' || backend === 'webgpu' ? backend : 'auto',
    subset: int('subset'),
    settings,
  };
}
