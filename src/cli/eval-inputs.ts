/**
 * `recall-lens eval`: command-line arguments → the variants to evaluate (their embeddings and the
 * item metadata each is scored against). The evaluation loop in ./eval.ts only sees `EvalSource`s.
 *
 * - one embeddings file (`.npy`, `.tsv`, `.bytes` with --dim) + `--metadata <file>`;
 * - a `projector_config.json`: every `embeddings[]` entry is a variant, its `metadataPath` unless
 *   `--metadata` is given;
 * - anything else — several paths, a folder, or one Parquet/Arrow/CSV/manifest file — is imported
 *   as the app imports it (src/data/import: join by id, every problem reported), and every variant is
 *   evaluated against the items' columns (the manifest's labels are the facets, `identity` drives
 *   Recall@N); `--metadata <file>` is then one more file of the import.
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from '../data/errors.ts';
import type { Metadata } from '../data/metadata.ts';
import { baseName, embeddingsFormat, groupProjectorDatasets } from '../data/projector.ts';
import { UsageError } from './args.ts';

export interface EvalSource {
  name: string;
  /** The dataset it belongs to, when a projector config holds several (entries grouped by their items). */
  dataset?: string;
  /** The embeddings file (for messages). */
  file: string;
  /** The metadata file (for messages). */
  metadataFile: string;
  /** Facets and identity, one row per embedding row (checked by the caller with checkRowCount). */
  metadata(): Promise<Metadata>;
  load(): Promise<Embeddings>;
}

export interface EvalInputArgs {
  positionals: string[];
  metadata?: string;
  dim?: number;
}

const CMD = 'eval';

/** Resolves the command line into sources; nothing heavy is read until `load()`/`metadata()`. */
export async function evalSources(args: EvalInputArgs): Promise<EvalSource[]> {
  const { positionals, dim } = args;
  const metadataPath = args.metadata;
  if (positionals.length === 0) throw new UsageError(`${CMD}: missing <embeddings> file (see recall-lens eval --help)`);
  const twice = positionals.find((p, i) => positionals.indexOf(p) !== i);
  if (twice !== undefined) {
    throw new UsageError(
      `${CMD}: ${JSON.stringify(twice)} is named twice (expected one <embeddings> file, got ${positionals.length}); name each file or folder once`,
    );
  }
  if (await needsImport(positionals)) return importedSources(positionals, metadataPath);
  const embPath = positionals[0];
  const [files, { buildMetadata }] = await Promise.all([import('../data/files-node.ts'), import('../data/metadata.ts')]);
  const { loadEmbeddingsFile, loadTableFile, loadProjectorConfig } = files;

  const metaCache = new Map<string, Promise<Metadata>>();
  const metadataFor = (file: string, viaConfig: boolean): Promise<Metadata> => {
    let p = metaCache.get(file);
    if (!p) {
      p = loadTableFile(file).then(buildMetadata, (e: unknown) => {
        if (viaConfig && e instanceof InputError && /not found/.test(e.problem)) {
          throw new InputError(file, `${e.problem} (metadataPath in ${embPath})`, e.where);
        }
        throw e;
      });
      metaCache.set(file, p);
    }
    return p;
  };

  if (embeddingsFormat(embPath) === 'config') {
    const entries = await loadProjectorConfig(embPath);
    if (!metadataPath) {
      const missing = entries.find((e) => !e.metadataFile);
      if (missing) {
        throw new InputError(
          embPath,
          `entry "${missing.entry.tensorName}" has no metadataPath; give one in the config or pass --metadata <file>`,
        );
      }
    }
    // Several datasets (entries grouped by their items): each variant is reported under its dataset.
    const groups = metadataPath ? [] : groupProjectorDatasets(entries.map((e) => e.entry));
    const datasetOf = new Map<number, string>();
    if (groups.length > 1) for (const g of groups) for (const i of g.entries) datasetOf.set(i, g.name);
    const order = groups.length > 1 ? groups.flatMap((g) => g.entries) : entries.map((_, i) => i);
    return order.map((i) => {
      const e = entries[i];
      const metadataFile = metadataPath ?? e.metadataFile!;
      const dataset = datasetOf.get(i);
      return {
        name: e.entry.tensorName,
        ...(dataset ? { dataset } : {}),
        file: e.tensorFile,
        metadataFile,
        metadata: () => metadataFor(metadataFile, !metadataPath),
        load: e.load,
      };
    });
  }
  if (!metadataPath) throw new UsageError(`${CMD}: --metadata <file> is required for ${embPath} (see recall-lens eval --help)`);
  return [
    {
      name: baseName(embPath),
      file: embPath,
      metadataFile: metadataPath,
      metadata: () => metadataFor(metadataPath, false),
      load: () => loadEmbeddingsFile(embPath, { dim }),
    },
  ];
}

/** Single files of the classic formats keep their own path (and messages); everything else is imported. */
async function needsImport(positionals: string[]): Promise<boolean> {
  if (positionals.length > 1) return true;
  const p = positionals[0];
  if (embeddingsFormat(p) !== undefined) return false;
  const { stat } = await import('node:fs/promises');
  const s = await stat(p).catch(() => undefined);
  return s?.isDirectory() === true || /\.(parquet|pq|arrow|feather|arrows|ipc|csv)$/i.test(p);
}

/**
 * Imports the paths; each variant becomes a source scored against the items' own columns. A
 * projector config with several datasets is imported once per dataset (each variant carries its
 * dataset's name).
 */
async function importedSources(paths: string[], metadataPath: string | undefined): Promise<EvalSource[]> {
  const [{ importPaths }, { buildMetadata }] = await Promise.all([import('./import.ts'), import('../data/metadata.ts')]);
  const all = metadataPath ? [...paths, metadataPath] : paths;
  const first = await importPaths(all);
  const datasets = first.report.datasets ?? [];
  const workspaces = [first];
  for (const d of datasets) if (d.name !== first.report.dataset) workspaces.push(await importPaths(all, { dataset: d.name }));
  const out: EvalSource[] = [];
  for (const ws of workspaces) {
    if (ws.variants.length === 0) {
      throw new InputError(
        paths.join(' '),
        'no embeddings among the imported files (.npy, .npz, .safetensors, .parquet, .arrow, CSV/TSV/JSONL vectors or a projector bundle)',
      );
    }
    const names = Object.keys(ws.corpus.columns).filter((k) => k !== 'id');
    const itemsFile =
      ws.report.files.find((f) => f.kind.startsWith('manifest') || f.kind === 'projector metadata')?.path ??
      `the ${ws.corpus.n} imported items`;
    const blankLines = ws.report.files.reduce((sum, f) => sum + (f.blankLines ?? 0), 0);
    const meta = buildMetadata({
      names,
      columns: names.map((k) => ws.corpus.columns[k]),
      n: ws.corpus.n,
      hasHeader: true,
      ...(blankLines ? { blankLines } : {}),
    });
    const dataset = datasets.length > 1 ? ws.report.dataset : undefined;
    for (const v of ws.variants) {
      out.push({
        name: v.id,
        ...(dataset ? { dataset } : {}),
        file: v.file,
        metadataFile: itemsFile,
        metadata: async () => meta,
        load: async () => v.embeddings,
      });
    }
  }
  return out;
}
