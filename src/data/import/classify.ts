/**
 * What each dropped/named file is, from its name (content is checked when it is parsed):
 *
 * | name                                   | read as                                               |
 * |----------------------------------------|-------------------------------------------------------|
 * | `.*` (hidden), `__MACOSX/…`            | skipped                                               |
 * | `*.onnx`                               | an ONNX encoder                                       |
 * | `*.card.json`                          | its model card (full, or the short form)              |
 * | `<x>.json` next to `<x>.onnx`          | the model's card (full or short form)                 |
 * | `projector_config.json` (`*projector_config*.json`) | a TF Projector bundle: its tensors, metadata and sprite are claimed by it |
 * | other `*.json`                         | an item manifest (array of objects or `{items: […]}`) |
 * | `*.npy`                                | embeddings without ids (rows = the items, in order)  |
 * | `*.npz`, `*.safetensors`               | one variant per 2-D float array (rows = the items)    |
 * | `*.jsonl`, `*.ndjson`                  | one object per line: item columns + vector arrays     |
 * | `_SUCCESS`, `_committed_*`, `_started_*`, `_metadata`, `_common_metadata`, `*.crc` | markers of Spark/Hadoop/DuckDB jobs: ignored |
 * | `*.parquet`, `*.pq`                    | embeddings with ids (an id column + vector columns)   |
 * | `*.arrow`, `*.feather`, `*.arrows`, `*.ipc` | embeddings with ids (Arrow IPC file or stream)   |
 * | `*.csv`, `*.tsv`, `*.txt`              | by content: numbers on line 1 → vectors without ids; a header with an id column and numeric / vector columns → embeddings with ids; otherwise → an item manifest |
 * | `*.bytes`, `*.bin`, `*.f32`            | raw float32 tensors: only through a projector config (it gives the shape) |
 * | `*.png`, `*.jpg`, `*.jpeg`, `*.webp`, `*.gif`, `*.bmp` | images: referenced by a manifest, else each image is an item (id = path without extension) |
 * | anything else                          | ignored, with a warning                               |
 */
export type FileKind =
  | 'skip'
  | 'onnx'
  | 'card'
  | 'projector-config'
  | 'json'
  | 'npy'
  | 'npz'
  | 'safetensors'
  | 'jsonl'
  | 'marker'
  | 'parquet'
  | 'arrow'
  | 'table'
  | 'bytes'
  | 'image'
  | 'unknown';

export const IMAGE_EXT = /\.(png|jpe?g|webp|gif|bmp)$/i;

export function classifyName(path: string): FileKind {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (name.startsWith('.') || path.split('/').some((p) => p === '__MACOSX' || (p.startsWith('.') && p !== '.' && p !== '..')))
    return 'skip';
  if (lower === 'thumbs.db' || lower === 'desktop.ini') return 'skip';
  if (lower.endsWith('.onnx')) return 'onnx';
  if (lower.endsWith('.card.json')) return 'card';
  if (/projector_config[^/]*\.json$/.test(lower)) return 'projector-config';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.npz')) return 'npz';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (
    name === '_SUCCESS' ||
    /^_(committed|started)_/.test(name) ||
    name === '_metadata' ||
    name === '_common_metadata' ||
    lower.endsWith('.crc')
  )
    return 'marker';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (/\.(arrow|feather|arrows|ipc)$/.test(lower)) return 'arrow';
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'table';
  if (/\.(bytes|bin|f32)$/.test(lower)) return 'bytes';
  if (IMAGE_EXT.test(lower)) return 'image';
  return 'unknown';
}
