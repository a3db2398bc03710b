/**
 * The analyst's session survives a reload or a crash: settings (K, distance, seeds, whitening top-k,
 * backend), hidden variants and the selection (seed, facet, colouring, lasso, query probe) are saved
 * to IndexedDB, debounced, one record per corpus (keyed by its hash), and put back when a session
 * over that corpus starts, before it computes anything. What the page's URL names explicitly wins.
 * A stored record that is corrupt or of another format version is ignored with a console warning.
 */
import { readUrlOptions } from './url-options.ts';
import { useSelection, type Probe } from './selection.ts';
import { useStore, type Settings } from './store.ts';
import { idbStore } from '../storage/idb.ts';
import { debugHandle } from '../debug.ts';

const DB = 'recall-lens-session';
const STORE = 'sessions';
/** Format of the stored record; bump it when the shape changes (old records are then ignored). */
export const RECORD_VERSION = 1;

export interface PersistedSelection {
  seed: number | null;
  facet: string | null;
  /** undefined: the default colouring (first facet); null: none. */
  colorBy: string | null | undefined;
  lasso: Int32Array | null;
  probe: Probe | null;
}

export interface PersistedSession {
  version: typeof RECORD_VERSION;
  corpus: string;
  savedAt: number;
  settings: Settings;
  hidden: string[];
  selection: PersistedSelection;
}

/** Parts of the view the page's URL may name; a named part is not overwritten by the stored one. */
export type UrlPart = 'k' | 'metric' | 'seeds' | 'whitenK' | 'backend' | 'seed' | 'facet' | 'colorBy' | 'hidden';

/** The parts the URL names explicitly (and validly) in `search`. */
export function urlParts(search: string): Set<UrlPart> {
  const o = readUrlOptions(search);
  const p = new URLSearchParams(search);
  const out = new Set<UrlPart>();
  if (o.settings.k !== undefined) out.add('k');
  if (o.settings.metric !== undefined) out.add('metric');
  if (o.settings.seeds !== undefined) out.add('seeds');
  if (o.settings.whitenK !== undefined) out.add('whitenK');
  if (p.has('backend')) out.add('backend');
  if (o.seed !== null) out.add('seed');
  if (o.facet !== null) out.add('facet');
  if (o.color !== undefined) out.add('colorBy');
  if (p.has('hide')) out.add('hidden');
  return out;
}

// ---------------------------------------------------------------- the record: snapshot, check, apply

/** The current view as a record for `corpus` (typed arrays copied out of any shared memory). */
export function snapshot(corpus: string): PersistedSession {
  const { settings, hidden } = useStore.getState();
  const { seed, facet, colorBy, lasso, probe } = useSelection.getState();
  return {
    version: RECORD_VERSION,
    corpus,
    savedAt: Date.now(),
    settings: { ...settings },
    hidden: [...hidden],
    selection: {
      seed,
      facet,
      colorBy,
      lasso: lasso ? new Int32Array(lasso) : null,
      probe: probe
        ? { label: probe.label, vectors: Object.fromEntries(Object.entries(probe.vectors).map(([v, x]) => [v, new Float32Array(x)])) }
        : null,
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

/** Why a stored value is not a usable record for `corpus`, or null when it is one. */
export function recordProblem(value: unknown, corpus: string): string | null {
  if (!isObject(value)) return 'it is not an object';
  if (value.version !== RECORD_VERSION) return `it has format version ${String(value.version)}, this app reads version ${RECORD_VERSION}`;
  if (value.corpus !== corpus) return `it belongs to corpus ${String(value.corpus)}`;
  const s = value.settings;
  if (!isObject(s)) return 'it has no settings';
  if (!isPosInt(s.k)) return `k is ${String(s.k)}`;
  if (s.metric !== 'euclidean' && s.metric !== 'cosine') return `metric is ${String(s.metric)}`;
  if (s.seeds !== 'auto' && s.seeds !== 'all' && !isPosInt(s.seeds)) return `seeds is ${String(s.seeds)}`;
  if (!Number.isInteger(s.sampleSeed)) return `sampleSeed is ${String(s.sampleSeed)}`;
  if (!isPosInt(s.whitenK)) return `whitenK is ${String(s.whitenK)}`;
  if (s.backend !== 'auto' && s.backend !== 'webgpu' && s.backend !== 'wasm') return `backend is ${String(s.backend)}`;
  if (!Array.isArray(value.hidden) || !value.hidden.every((h) => typeof h === 'string')) return 'hidden is not a list of variant ids';
  const sel = value.selection;
  if (!isObject(sel)) return 'it has no selection';
  if (sel.seed !== null && !(Number.isInteger(sel.seed) && (sel.seed as number) >= 0)) return `seed is ${String(sel.seed)}`;
  if (!isStringOrNull(sel.facet)) return 'facet is not a name';
  if (sel.colorBy !== undefined && !isStringOrNull(sel.colorBy)) return 'colorBy is not a name';
  if (sel.lasso !== null && !(sel.lasso instanceof Int32Array)) return 'lasso is not a list of rows';
  if (sel.probe !== null) {
    const p = sel.probe;
    if (!isObject(p) || typeof p.label !== 'string' || !isObject(p.vectors)) return 'probe is malformed';
    if (!Object.values(p.vectors).every((v) => v instanceof Float32Array)) return 'probe vectors are not float32';
  }
  return null;
}

/** Puts a record's view into the stores, leaving alone the parts the URL names. */
export function applyRecord(r: PersistedSession, fromUrl: ReadonlySet<UrlPart>): void {
  const settings: Partial<Settings> = { sampleSeed: r.settings.sampleSeed };
  if (!fromUrl.has('k')) settings.k = r.settings.k;
  if (!fromUrl.has('metric')) settings.metric = r.settings.metric;
  if (!fromUrl.has('seeds')) settings.seeds = r.settings.seeds;
  if (!fromUrl.has('whitenK')) settings.whitenK = r.settings.whitenK;
  if (!fromUrl.has('backend')) settings.backend = r.settings.backend;
  const store = useStore.getState();
  store.setSettings(settings);
  if (!fromUrl.has('hidden')) store.setHidden(r.hidden);
  const sel = useSelection.getState();
  if (!fromUrl.has('seed')) sel.setSeed(r.selection.seed);
  if (!fromUrl.has('facet') && r.selection.facet !== null) sel.setFacet(r.selection.facet);
  if (!fromUrl.has('colorBy') && r.selection.colorBy !== undefined) sel.setColorBy(r.selection.colorBy);
  sel.setLasso(r.selection.lasso);
  sel.setProbe(r.selection.probe);
}

// ---------------------------------------------------------------- IndexedDB

const sessions = idbStore(DB, STORE);

/** The raw stored value for a corpus (undefined when none), unchecked. */
export function readStored(corpus: string): Promise<unknown> {
  return sessions.get<unknown>(corpus);
}

/** Stores a raw value for a corpus (tests use it to plant corrupt records). */
export function writeStored(corpus: string, value: unknown): Promise<void> {
  return sessions.put(corpus, value);
}

/** The stored record for a corpus, or null when there is none or it is unusable (with a warning). */
export async function loadSession(corpus: string): Promise<PersistedSession | null> {
  let value: unknown;
  try {
    value = await readStored(corpus);
  } catch (e) {
    console.warn(`recall-lens: the saved session could not be read (${(e as Error)?.message ?? e}); starting fresh`);
    return null;
  }
  if (value === undefined) return null;
  const problem = recordProblem(value, corpus);
  if (problem) {
    console.warn(`recall-lens: ignoring the saved session of corpus ${corpus}: ${problem}`);
    return null;
  }
  return value as PersistedSession;
}

// ---------------------------------------------------------------- wiring: save on change, restore on start

let fromUrl: ReadonlySet<UrlPart> = new Set();
/** The corpus whose record the live view is saved to (null until a session restored one). */
let current: string | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastWrite: Promise<void> = Promise.resolve();
let delayMs = 250;

function save(): Promise<void> {
  if (timer !== null) clearTimeout(timer);
  timer = null;
  if (current === null) return lastWrite;
  const record = snapshot(current);
  lastWrite = lastWrite
    .then(() => writeStored(record.corpus, record))
    .catch((e) => console.warn(`recall-lens: the session could not be saved (${(e as Error)?.message ?? e})`));
  return lastWrite;
}

function schedule(): void {
  if (current === null) return;
  if (timer !== null) clearTimeout(timer);
  timer = setTimeout(() => void save(), delayMs);
}

/** Writes any pending change now; resolves once it is stored. */
export function flushSession(): Promise<void> {
  return timer !== null ? save() : lastWrite;
}

/**
 * Call once at start-up with the page's original query string (before the URL is rewritten): the
 * parts it names win over the stored session. Changes are saved `delay` ms after the last one and
 * when the page is hidden. Returns a function that stops saving.
 */
export function initPersistence(search: string, opts: { delay?: number } = {}): () => void {
  fromUrl = urlParts(search);
  delayMs = opts.delay ?? 250;
  const a = useStore.subscribe((s, prev) => (s.settings !== prev.settings || s.hidden !== prev.hidden) && schedule());
  const b = useSelection.subscribe(
    (s, prev) =>
      (s.seed !== prev.seed || s.facet !== prev.facet || s.colorBy !== prev.colorBy || s.lasso !== prev.lasso || s.probe !== prev.probe) &&
      schedule(),
  );
  const onHide = () => void flushSession();
  globalThis.addEventListener?.('pagehide', onHide);
  // The record stored for the corpus on screen (debug handle).
  debugHandle.persist = {
    corpus: () => current,
    stored: () => (current === null ? Promise.resolve(null) : loadSession(current)),
  };
  return () => {
    a();
    b();
    globalThis.removeEventListener?.('pagehide', onHide);
    current = null;
  };
}

/**
 * Before a session over `corpus` computes: puts back its stored view (URL-named parts excepted) and
 * from then on saves changes under its hash. A session over the corpus already on screen keeps the
 * live view. Never throws.
 */
export async function restoreSession(corpus: string): Promise<void> {
  if (current === corpus) return;
  await flushSession();
  current = null; // nothing is saved while the stores are being switched over
  const record = await loadSession(corpus);
  if (record) applyRecord(record, fromUrl);
  current = corpus;
  schedule();
}
