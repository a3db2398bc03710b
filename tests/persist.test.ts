import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RECORD_VERSION,
  flushSession,
  initPersistence,
  loadSession,
  readStored,
  recordProblem,
  restoreSession,
  snapshot,
  urlParts,
  writeStored,
} from '../src/state/persist.ts';
import { defaultSettings, useStore } from '../src/state/store.ts';
import { useSelection } from '../src/state/selection.ts';

function resetStores() {
  useStore.setState({ settings: { ...defaultSettings }, hidden: [] });
  useSelection.setState({ seed: null, facet: null, colorBy: undefined, lasso: null, probe: null, hovered: null });
}

let corpusCounter = 0;
const freshCorpus = () => `corpus-${++corpusCounter}-${Math.random().toString(36).slice(2)}`;

describe('session persistence', () => {
  let stop: (() => void) | null = null;
  beforeEach(() => resetStores());
  afterEach(() => {
    stop?.();
    stop = null;
    vi.restoreAllMocks();
  });

  it('saves settings, hidden variants and the selection per corpus, and restores them before a session computes', async () => {
    stop = initPersistence('?corpus=emoji-styles', { delay: 5 });
    const a = freshCorpus();
    await restoreSession(a);
    useStore.getState().setSettings({ k: 5, metric: 'cosine', seeds: 1000, sampleSeed: 7, whitenK: 16, backend: 'wasm' });
    useStore.getState().toggleHidden('pixels+w');
    useSelection.getState().setSeed(42);
    useSelection.getState().setFacet('category');
    useSelection.getState().setColorBy(null);
    useSelection.getState().setLasso(Int32Array.of(3, 9, 27));
    useSelection.getState().setProbe({ label: 'cat.png', vectors: { pixels: Float32Array.of(0.5, -1.25) } });
    useSelection.getState().setHovered(11); // not part of the record
    await flushSession();

    // Another corpus starts with its own (empty) record: the live view is kept and saved under its hash.
    const b = freshCorpus();
    await restoreSession(b);
    useStore.getState().setSettings({ k: 20 });
    await flushSession();
    expect((await loadSession(b))!.settings.k).toBe(20);
    expect((await loadSession(a))!.settings.k).toBe(5);

    // A fresh page (stores at their defaults) over corpus a gets everything back.
    stop();
    resetStores();
    stop = initPersistence('', { delay: 5 });
    await restoreSession(a);
    expect(useStore.getState().settings).toEqual({ k: 5, metric: 'cosine', seeds: 1000, sampleSeed: 7, whitenK: 16, backend: 'wasm' });
    expect(useStore.getState().hidden).toEqual(['pixels+w']);
    const sel = useSelection.getState();
    expect(sel.seed).toBe(42);
    expect(sel.facet).toBe('category');
    expect(sel.colorBy).toBeNull();
    expect(Array.from(sel.lasso!)).toEqual([3, 9, 27]);
    expect(sel.probe!.label).toBe('cat.png');
    expect(Array.from(sel.probe!.vectors.pixels)).toEqual([0.5, -1.25]);
    expect(sel.hovered).toBeNull();
  });

  it('lets the URL win for what it names explicitly', async () => {
    const corpus = freshCorpus();
    stop = initPersistence('', { delay: 5 });
    await restoreSession(corpus);
    useStore.getState().setSettings({ k: 5, metric: 'cosine', whitenK: 16, sampleSeed: 3 });
    useStore.getState().setHidden(['pixels']);
    useSelection.getState().setSeed(4);
    useSelection.getState().setFacet('style');
    await flushSession();
    stop();

    resetStores();
    // What main.tsx does: the URL's view is applied first, then the stored one fills in the rest.
    useStore.getState().setSettings({ k: 50, backend: 'wasm' });
    useSelection.getState().setSeed(8);
    stop = initPersistence('?k=50&backend=wasm&seed=8&hide=', { delay: 5 });
    await restoreSession(corpus);
    const s = useStore.getState().settings;
    expect(s.k).toBe(50);
    expect(s.backend).toBe('wasm');
    expect(s.metric).toBe('cosine');
    expect(s.whitenK).toBe(16);
    expect(s.sampleSeed).toBe(3);
    expect(useStore.getState().hidden).toEqual([]); // `hide=` names the hidden list (as empty)
    expect(useSelection.getState().seed).toBe(8);
    expect(useSelection.getState().facet).toBe('style');
  });

  it('knows which parts a query string names (malformed values name nothing)', () => {
    expect([...urlParts('?corpus=x&k=5&metric=cosine&seeds=auto&wk=8&backend=auto&seed=0&facet=style&color=none&hide=a')].sort()).toEqual([
      'backend',
      'colorBy',
      'facet',
      'hidden',
      'k',
      'metric',
      'seed',
      'seeds',
      'whitenK',
    ]);
    expect([...urlParts('?k=abc&metric=manhattan&seed=-1')]).toEqual([]);
  });

  it('ignores a corrupt or old-version record with a console warning and keeps the defaults', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const good = snapshot('x');
    const cases: Array<[unknown, RegExp]> = [
      ['not a record', /not an object/],
      [{ ...good, version: 0 }, /format version 0/],
      [{ ...good, settings: { ...good.settings, k: -3 } }, /k is -3/],
      [{ ...good, settings: { ...good.settings, metric: 'manhattan' } }, /metric is manhattan/],
      [{ ...good, hidden: 'pixels' }, /hidden/],
      [{ ...good, selection: { ...good.selection, lasso: [1, 2] } }, /lasso/],
      [{ ...good, selection: { ...good.selection, probe: { label: 'q', vectors: { a: [1] } } } }, /probe vectors/],
    ];
    stop = initPersistence('', { delay: 5 });
    for (const [value, why] of cases) {
      const corpus = freshCorpus();
      await writeStored(corpus, typeof value === 'object' ? { ...value, corpus } : value);
      warn.mockClear();
      resetStores();
      await restoreSession(corpus);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(why);
      expect(useStore.getState().settings).toEqual(defaultSettings);
      // The corrupt record is replaced by the live view once it is saved.
      await flushSession();
      expect(recordProblem(await readStored(corpus), corpus)).toBeNull();
    }
  });

  it('debounces: many changes are written once, on the timer or a flush', async () => {
    const corpus = freshCorpus();
    stop = initPersistence('', { delay: 60_000 });
    await restoreSession(corpus);
    await flushSession();
    const before = (await loadSession(corpus))!.savedAt;
    for (const k of [1, 5, 10, 20, 50]) useStore.getState().setSettings({ k });
    expect((await loadSession(corpus))!.settings.k).toBe(defaultSettings.k);
    await flushSession();
    const after = (await loadSession(corpus))!;
    expect(after.settings.k).toBe(50);
    expect(after.savedAt).toBeGreaterThanOrEqual(before);
    expect(after.version).toBe(RECORD_VERSION);
  });
});
