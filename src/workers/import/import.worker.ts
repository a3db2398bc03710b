/// <reference lib="webworker" />
/**
 * Import worker: reads the files the analyst dropped or picked, parses and joins them with the same
 * pipeline as the CLI (src/data/import), and sends back one Workspace, or every problem found.
 * Parsing 100k × 512 vectors or decoding thousands of images here keeps the page responsive.
 */
import { importFiles } from '../../data/import/import.ts';
import type { ImportFile, Workspace } from '../../data/import/types.ts';
import { decodeImageBytes } from '../../encoders/decode-browser.ts';
import { expose, transfer } from '../rpc.ts';

export interface ImportSource {
  /** Path relative to what was picked or dropped ("covers/a.jpg"). */
  path: string;
  file: Blob;
}

export interface ImportSettings {
  maxBytes: number;
  imageSize: number;
}

export type ImportOutcome = { ok: true; workspace: Workspace } | { ok: false; errors: string[] };

function files(sources: ImportSource[]): ImportFile[] {
  return sources.map(({ path, file }) => ({
    path,
    size: file.size,
    read: async () => new Uint8Array(await file.arrayBuffer()),
    // Parquet parts are read a row group at a time, not whole.
    slice: async (start: number, end: number) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  }));
}

/** Float32 storage the page and the compute workers share without copies (the page is cross-origin isolated). */
function allocate(length: number): Float32Array {
  return self.crossOriginIsolated ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

async function run(
  sources: ImportSource[],
  settings: ImportSettings,
  onProgress?: (done: number, total: number, label: string) => void,
): Promise<ImportOutcome> {
  try {
    const workspace = await importFiles(files(sources), { decodeImage: decodeImageBytes, allocate, onProgress, ...settings });
    return { ok: true, workspace };
  } catch (e) {
    const problems = (e as { problems?: unknown }).problems;
    if (Array.isArray(problems)) return { ok: false, errors: problems.map((p) => String((p as Error)?.message ?? p)) };
    // Anything else is a bug in a parser: still reported, still nothing imported.
    return { ok: false, errors: [`import failed unexpectedly: ${(e as Error)?.message ?? String(e)}`] };
  }
}

const api = {
  async importFiles(
    sources: ImportSource[],
    settings: ImportSettings,
    onProgress?: (done: number, total: number, label: string) => void,
  ): Promise<ImportOutcome> {
    const out = await run(sources, settings, onProgress);
    if (!out.ok) return out;
    const w = out.workspace;
    const buffers = [w.corpus.images.buffer, ...w.encoders.map((e) => e.model.buffer), ...w.variants.map((v) => v.embeddings.data.buffer)];
    return transfer(out, buffers);
  },
  /** A dry run (used by the browser fuzz test): the same parsing, nothing kept. */
  async check(sources: ImportSource[], settings: ImportSettings): Promise<{ ok: boolean; errors: string[] }> {
    const out = await run(sources, settings);
    return out.ok ? { ok: true, errors: [] } : out;
  },
};

export type ImportApi = typeof api;
expose(api);
