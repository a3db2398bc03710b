/** `recall-lens import <paths...>`: reads the files and folders as the app would, and reports what they hold. */
import { totalmem } from 'node:os';
import { parse, positiveInt, UsageError } from './args.ts';
import type { Io } from './main.ts';
import type { Workspace } from '../data/import/types.ts';

export const IMPORT_HELP = `Usage: recall-lens import <paths...> [options]

Reads files and folders the way the app's import does, checks every one, and prints what would be
imported: items (after the join by id), variants (n × dim), encoders, ids that did not join.

<paths>   files or folders (walked recursively; hidden files skipped):
          item manifest  CSV/TSV/JSON with id, image (path relative to the manifest), title, labels,
                         identity; images it names become thumbnails
          images         without a manifest, every image is an item (id = path without extension)
          embeddings     .npy (float16/32/64), .npz, .safetensors (rows = items), .parquet / .arrow /
                         .feather / .arrows (id + vector columns; Hugging Face datasets Parquet; a
                         folder of Parquet part files is one table), CSV/TSV (id + numeric or "[...]"
                         columns, pandas' index column, or headerless numbers), JSONL (docs/FORMATS.md)
          projector      projector_config.json with its tensors (.tsv/.bytes), metadata and sprite
          encoders       <x>.onnx with <x>.card.json, or a short form <x>.json:
                         {"input": {"size": 64, "mean": [..], "std": [..]}, "output": {"dim": 128}}

Options
  --image-size <S>   side of the thumbnails built from images and sprites (default 64)
  --max-bytes <B>    refuse imports larger than this many bytes (default: half the machine's memory)
  --dataset <name>   a projector_config.json with several datasets: the one to import (default: the first)
  --json             print one JSON object: {"items","corpus":{"name","hash","n","imageSize","columns"},
                     "variants":[{"id","name","file","n","dim"}],"encoders":[{"id","file","modality","dim"}],
                     "unmatched":[{"file","count","examples"}],"files":[...],"warnings":[...],
                     "datasets":[{"name","tensors","rows"}],"dataset"}  (the last two only for a config with
                     several datasets)
  -h, --help         show this help

Exit status: 0 ok, 1 bad input (every problem is printed, one per line), 2 bad command line.
`;

const CMD = 'import';

export async function runImport(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(CMD, argv, {
    'image-size': { type: 'string' },
    'max-bytes': { type: 'string' },
    dataset: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(IMPORT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`${CMD}: missing <paths> (files or folders to import; see recall-lens import --help)`);
  const imageSize = positiveInt(CMD, 'image-size', values['image-size'] as string | undefined, 64);
  const maxBytes = positiveInt(CMD, 'max-bytes', values['max-bytes'] as string | undefined, defaultMaxBytes());
  const dataset = values.dataset as string | undefined;
  const ws = await importPaths(positionals, { imageSize, maxBytes, dataset, progress: io.stderrIsTTY && !values.json ? io : undefined });
  io.stdout(values.json ? `${JSON.stringify(workspaceJson(ws))}\n` : formatWorkspace(ws));
  return 0;
}

export function defaultMaxBytes(): number {
  return Math.floor(totalmem() / 2);
}

/** Imports paths with the Node file reader and image decoder (throws ImportFailed / InputError). */
export async function importPaths(
  paths: string[],
  opts: { imageSize?: number; maxBytes?: number; dataset?: string; progress?: Io } = {},
): Promise<Workspace> {
  const [{ nodeImportFiles, nodeDecodeImage }, { importFiles }] = await Promise.all([
    import('./import-node.ts'),
    import('../data/import/import.ts'),
  ]);
  const files = await nodeImportFiles(paths);
  const io = opts.progress;
  return importFiles(files, {
    decodeImage: nodeDecodeImage,
    imageSize: opts.imageSize,
    maxBytes: opts.maxBytes ?? defaultMaxBytes(),
    dataset: opts.dataset,
    onProgress: io ? (done, total, label) => io.stderr(`\rreading ${done}/${total} ${label.slice(0, 40).padEnd(40)}`) : undefined,
  }).finally(() => io?.stderr('\r'.padEnd(60) + '\r'));
}

export function workspaceJson(ws: Workspace) {
  const c = ws.corpus;
  return {
    items: ws.report.items,
    corpus: { name: c.name, hash: c.hash, n: c.n, imageSize: c.imageSize, columns: Object.keys(c.columns) },
    variants: ws.variants.map((v) => ({ id: v.id, name: v.name, file: v.file, n: v.embeddings.n, dim: v.embeddings.dim })),
    encoders: ws.encoders.map((e) => ({ id: e.card.id, file: e.file, modality: e.card.modality, dim: e.card.output.dim })),
    unmatched: ws.report.unmatched,
    files: ws.report.files,
    warnings: ws.report.warnings,
    ...(ws.report.datasets ? { datasets: ws.report.datasets, dataset: ws.report.dataset } : {}),
  };
}

export function formatWorkspace(ws: Workspace): string {
  const c = ws.corpus;
  const lines: string[] = [];
  const cols = Object.keys(c.columns).filter((k) => k !== 'id');
  lines.push(
    `${ws.report.items} items (${c.name}, hash ${c.hash.slice(0, 12)})${c.imageSize ? `, thumbnails ${c.imageSize}×${c.imageSize}` : ', no images'}`,
  );
  if (cols.length) lines.push(`columns: ${cols.join(', ')}`);
  if (ws.report.datasets)
    lines.push(
      `datasets: ${ws.report.datasets.map((d) => (d.name === ws.report.dataset ? `${d.name} (imported)` : d.name)).join(', ')}; pick one with --dataset <name>`,
    );
  lines.push('');
  lines.push(`variants (${ws.variants.length})`);
  lines.push(...table(ws.variants.map((v) => [v.id, `${v.embeddings.n} × ${v.embeddings.dim}`, v.file])));
  if (ws.encoders.length) {
    lines.push('', `encoders (${ws.encoders.length})`);
    lines.push(
      ...table(
        ws.encoders.map((e) => [
          e.card.id,
          e.card.modality === 'image' ? `image ${e.card.input.size}px → ${e.card.output.dim}` : `text → ${e.card.output.dim}`,
          e.file,
        ]),
      ),
    );
  }
  if (ws.report.unmatched.length) {
    lines.push('', 'ids that did not join (dropped)');
    lines.push(
      ...table(
        ws.report.unmatched.map((u) => [
          u.file,
          String(u.count),
          u.examples.map((e) => JSON.stringify(e)).join(', ') + (u.count > u.examples.length ? ', …' : ''),
        ]),
      ),
    );
  }
  if (ws.report.warnings.length) lines.push('', 'warnings', ...ws.report.warnings.map((w) => `  ${w}`));
  return `${lines.join('\n')}\n`;
}

function table(rows: string[][]): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((s, j) => Math.max(w[j] ?? 0, s.length)), []);
  return rows.map((r) => `  ${r.map((s, j) => (j === r.length - 1 ? s : s.padEnd(widths[j]))).join('  ')}`);
}
