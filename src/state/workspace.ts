/**
 * The analyst's own data: importing dropped or picked files (in the import worker), keeping the
 * files in IndexedDB so the workspace comes back after a reload or a crash, and going back to the demo.
 * An import is all or nothing: with any problem, every problem is listed and the current workspace
 * stays as it was.
 */
import { create } from 'zustand';
import type { ImportReport, Workspace } from '../data/import/types.ts';
import type { ImportApi, ImportOutcome, ImportSettings, ImportSource } from '../workers/import/import.worker.ts';
import { callback } from '../workers/rpc.ts';
import type { WorkerHost } from '../workers/host.ts';
import { importHost, inImportWorker } from '../workers/import/client.ts';
import { deleteValue, putValue, readValue } from './embedding-cache.ts';

const ACTIVE_KEY = 'workspace:active';
const RECORD_VERSION = 1;
const GiB = 2 ** 30;

interface StoredWorkspace {
  version: number;
  name: string;
  savedAt: string;
  files: { path: string; blob: Blob }[];
  /** The dataset picked in a projector config with several (absent: the first). */
  dataset?: string;
}

export type ImportState = 'idle' | 'restoring' | 'reading' | 'done' | 'error';

export interface WorkspaceState {
  /** The imported workspace in use; null = the built-in demo. */
  workspace: Workspace | null;
  /** Resolved once the stored workspace (if any) was restored, so the demo is not loaded for nothing. */
  restored: boolean;
  state: ImportState;
  progress: { done: number; total: number; label: string } | null;
  /** The last import's problems (nothing was imported). */
  errors: string[];
  report: ImportReport | null;
  /** A non-fatal note, e.g. the files could not be saved for the next visit. */
  notice: string | null;
}

export const useWorkspace = create<WorkspaceState>()(() => ({
  workspace: null,
  restored: false,
  state: 'idle',
  progress: null,
  errors: [],
  report: null,
  notice: null,
}));

/** Refuse imports larger than about half the device memory (at most 4 GiB), before reading anything. */
export function importSettings(): ImportSettings {
  const deviceGiB = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory ?? 4;
  return { maxBytes: Math.min(4, deviceGiB / 2) * GiB, imageSize: 64 };
}

/** The files of the workspace in use (a dataset switch imports them again). */
let current: { sources: ImportSource[]; name: string } | null = null;

async function runImport(sources: ImportSource[], dataset?: string): Promise<ImportOutcome> {
  try {
    return await inImportWorker<ImportOutcome>(`importing ${sources.length} files`, (api, alive) => {
      const onProgress = callback((done: number, total: number, label: string) => {
        alive();
        useWorkspace.setState({ progress: { done, total, label } });
      });
      // ImportSettings are spread into importFiles' options by the worker: `dataset` rides along.
      const settings: ImportSettings = Object.assign(importSettings(), dataset === undefined ? {} : { dataset });
      return api.importFiles(sources, settings, onProgress);
    });
  } catch (e) {
    return { ok: false, errors: [`import worker failed: ${(e as Error).message}`] };
  }
}

/** Imports files; on success they replace the current workspace and are saved for the next visit. */
export async function importSources(sources: ImportSource[], name: string, dataset?: string): Promise<boolean> {
  if (sources.length === 0) return false;
  useWorkspace.setState({ state: 'reading', progress: null, errors: [], notice: null });
  const out = await runImport(sources, dataset);
  if (!out.ok) {
    useWorkspace.setState({ state: 'error', errors: out.errors, progress: null });
    return false;
  }
  current = { sources, name };
  let notice: string | null = null;
  try {
    const record: StoredWorkspace = {
      version: RECORD_VERSION,
      name,
      savedAt: new Date().toISOString(),
      files: sources.map((s) => ({ path: s.path, blob: s.file })),
      ...(dataset === undefined ? {} : { dataset }),
    };
    await putValue(ACTIVE_KEY, record);
  } catch (e) {
    notice = `The imported files could not be saved in this browser (${(e as Error)?.message ?? 'storage unavailable'}): they will be gone after a reload.`;
  }
  useWorkspace.setState({ workspace: out.workspace, report: out.workspace.report, state: 'done', progress: null, notice });
  return true;
}

let restoring: Promise<void> | null = null;

/** On start: brings back the workspace imported in an earlier visit, if any (once per page). */
export function restoreWorkspace(): Promise<void> {
  restoring ??= restore();
  return restoring;
}

async function restore(): Promise<void> {
  const record = await readValue<StoredWorkspace>(ACTIVE_KEY);
  if (!record || record.version !== RECORD_VERSION || !Array.isArray(record.files)) {
    useWorkspace.setState({ restored: true });
    return;
  }
  useWorkspace.setState({ state: 'restoring' });
  const sources = record.files.map((f) => ({ path: f.path, file: f.blob }));
  const out = await runImport(sources, record.dataset);
  if (out.ok) {
    current = { sources, name: record.name };
    useWorkspace.setState({ workspace: out.workspace, report: out.workspace.report, state: 'done', restored: true });
  } else {
    // The stored files are kept: the analyst can go back to the demo (which forgets them) or re-import.
    useWorkspace.setState({
      state: 'error',
      errors: [`The saved workspace "${record.name}" could not be restored:`, ...out.errors],
      restored: true,
    });
  }
}

/**
 * A projector config with several datasets: imports the same files again with another dataset (as
 * the projector's tensor menu switches); all or nothing like any import.
 */
export async function switchDataset(dataset: string): Promise<boolean> {
  if (!current) return false;
  return importSources(current.sources, current.name, dataset);
}

/** Forgets the imported workspace (and its saved files) and shows the demo again. */
export async function backToDemo(): Promise<void> {
  current = null;
  await deleteValue(ACTIVE_KEY);
  useWorkspace.setState({ workspace: null, report: null, state: 'idle', errors: [], notice: null, progress: null });
}

let checker: WorkerHost<ImportApi> | null = null;

/** Dry-run import of base64 files in the real import worker (the browser fuzz test drives this). */
export async function checkImport(files: { path: string; base64: string }[]): Promise<{ ok: boolean; errors: string[] }> {
  checker ??= importHost();
  const sources = files.map(({ path, base64 }) => ({ path, file: new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]) }));
  try {
    return await checker.call('checking files', (api) => api.check(sources, importSettings()));
  } catch (e) {
    checker.terminate();
    checker = null;
    return { ok: false, errors: [`import worker failed: ${(e as Error).message}`] };
  }
}
