/**
 * `recall-lens eval`: command-line arguments → the variants to evaluate (their embeddings and the
 * item metadata each is scored against). The evaluation loop in ./eval.ts only sees `EvalSource`s.
 *
 * - one embeddings file (`.npy`, `.tsv`, `.bytes` with --dim) + `--metadata <file>`;
 * - a `projector_config.json`: every `embeddings[]` entry is a variant, its `metadataPath` unless
 *   `--metadata` is given.
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from '../data/errors.ts';
import type { Metadata } from '../data/metadata.ts';
import { baseName, embeddingsFormat } from '../data/projector.ts';
import { UsageError } from './args.ts';

export interface EvalSource {
  name: string;
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
  if (positionals.length > 1) {
    throw new UsageError(`${CMD}: expected one <embeddings> file, got ${positionals.length} (${positionals.map((p) => JSON.stringify(p)).join(' ')}); use a projector_config.json for several variants`);
  }
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
        throw new InputError(embPath, `entry "${missing.entry.tensorName}" has no metadataPath; give one in the config or pass --metadata <file>`);
      }
    }
    return entries.map((e) => {
      const metadataFile = metadataPath ?? e.metadataFile!;
      return { name: e.entry.tensorName, file: e.tensorFile, metadataFile, metadata: () => metadataFor(metadataFile, !metadataPath), load: e.load };
    });
  }
  if (!metadataPath) throw new UsageError(`${CMD}: --metadata <file> is required for ${embPath} (see recall-lens eval --help)`);
  return [{ name: baseName(embPath), file: embPath, metadataFile: metadataPath, metadata: () => metadataFor(metadataPath, false), load: () => loadEmbeddingsFile(embPath, { dim }) }];
}
