/** K, distance, seeds and the truncated-whitening size. Changing any recomputes the metric rows. */
import { useStore, type Settings } from '../state/store.ts';

const K_CHOICES = [1, 5, 10, 20, 50];
const SEED_CHOICES: Array<Settings['seeds']> = ['all', 500, 1000, 2000];
const WHITEN_K = [8, 16, 32, 64, 128];

export function Controls({ onChange }: { onChange: () => void }) {
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
        <select data-testid="metric-select" value={settings.metric} onChange={(e) => change({ metric: e.target.value as Settings['metric'] })}>
          <option value="euclidean">Euclidean</option>
          <option value="cosine">cosine</option>
        </select>
      </label>
      <label>
        seeds
        <select
          data-testid="seeds-select"
          value={String(settings.seeds)}
          onChange={(e) => change({ seeds: e.target.value === 'all' ? 'all' : Number(e.target.value) })}
        >
          {SEED_CHOICES.map((s) => (
            <option key={s} value={String(s)}>
              {s === 'all' ? 'all items' : `random ${s}`}
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
    </section>
  );
}
