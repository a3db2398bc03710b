/** K, distance, seeds and the truncated-whitening size (changing any recomputes the metric rows), and the encoder backend. */
import { resolveSeeds, useStore, type Settings } from '../state/store.ts';

const K_CHOICES = [1, 5, 10, 20, 50];
const SEED_CHOICES: Array<Settings['seeds']> = ['auto', 'all', 500, 1000, 2000];
const WHITEN_K = [8, 16, 32, 64, 128];

/** What "auto" means for a corpus of `items` items: "auto: all 7,076" or "auto: 2,000 of 100,000". */
export function autoSeedsLabel(items: number | undefined): string {
  if (items === undefined) return 'auto';
  const r = resolveSeeds('auto', items);
  return r === 'all' || r >= items
    ? `auto: all ${items.toLocaleString('en-US')}`
    : `auto: ${r.toLocaleString('en-US')} of ${items.toLocaleString('en-US')}`;
}

function seedLabel(s: Settings['seeds'], items: number | undefined): string {
  if (s === 'auto') return autoSeedsLabel(items);
  return s === 'all' ? 'all items' : `random ${s}`;
}

/** `items`: the corpus size, so the seeds menu can say what "auto" means here. */
export function Controls({ onChange, items }: { onChange: () => void; items?: number }) {
  const settings = useStore((s) => s.settings);
  const setSettings = useStore((s) => s.setSettings);
  const change = (patch: Partial<Settings>) => {
    setSettings(patch);
    onChange();
  };
  return (
    <section className="controls" data-testid="controls">
      <label>
        K
        <select data-testid="k-select" value={settings.k} onChange={(e) => change({ k: Number(e.target.value) })}>
          {K_CHOICES.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label>
        distance
        <select
          data-testid="metric-select"
          value={settings.metric}
          onChange={(e) => change({ metric: e.target.value as Settings['metric'] })}
        >
          <option value="euclidean">Euclidean</option>
          <option value="cosine">cosine</option>
        </select>
      </label>
      <label>
        seeds
        <select
          data-testid="seeds-select"
          value={String(settings.seeds)}
          data-resolved={String(items === undefined ? settings.seeds : resolveSeeds(settings.seeds, items))}
          onChange={(e) => {
            const v = e.target.value;
            change({ seeds: v === 'all' || v === 'auto' ? v : Number(v) });
          }}
        >
          {SEED_CHOICES.map((s) => (
            <option key={s} value={String(s)}>
              {seedLabel(s, items)}
            </option>
          ))}
        </select>
      </label>
      <label>
        whitening top-k
        <select data-testid="whiten-k-select" value={settings.whitenK} onChange={(e) => change({ whitenK: Number(e.target.value) })}>
          {WHITEN_K.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      <label title="Which onnxruntime-web backend encodes: auto skips software WebGPU adapters and calibrates real ones (URL: backend=auto|webgpu|wasm); applies to encoders that run from now on">
        encoder backend
        <select
          data-testid="backend-select"
          value={settings.backend}
          onChange={(e) => setSettings({ backend: e.target.value as Settings['backend'] })}
        >
          <option value="auto">auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
        </select>
      </label>
    </section>
  );
}
