/**
 * A TF Projector bundle: everything TensorBoard's projector needs to show the exported variants,
 * as a map of relative paths to file bytes (zip it, or write it into a folder).
 *
 *   projector_config.json   {embeddings: [{tensorName, tensorShape: [n, d], tensorPath,
 *                            metadataPath, sprite: {imagePath, singleImageDim: [t, t]}}]}
 *   projector_config.pbtxt  the same as protobuf text, the file `tensorboard --logdir <folder>` reads
 *   metadata.tsv            one row per point (see ./tsv.ts for the rules), shared by every variant
 *   sprite.png              every thumbnail (see ./sprite.ts), only when the corpus has images
 *   tensors/<variant>.tsv   vectors as text, or tensors/<variant>.bytes (raw little-endian float32)
 *
 * Checked against tensorflow/tensorboard: vz_projector/data-provider.ts (`EmbeddingInfo`,
 * `SpriteMetadata`: the JSON field names; `retrieveTensorAsBytes`: `.bytes` = float32 with
 * `tensorShape[1]` values per point), vz_projector/data-provider-demo.ts (a `tensorPath` ending in
 * `.bytes` is read as bytes, anything else as TSV), projector_plugin.py (reads
 * `projector_config.pbtxt`; paths relative to the config file via `_rel_to_abs_asset_path`; a
 * tensor file is read as TSV and only falls back to float32 bytes of `tensor_shape` when it is not
 * UTF-8, so TSV is the format the TensorBoard server always reads; `.bytes` is for large exports).
 */
import type { Embeddings } from '../../compute/types.ts';
import { uniqueFileNames } from './names.ts';
import { buildSprite } from './sprite.ts';
import { formatMetadataTsv, formatVectorsTsv, type MetadataColumns } from './tsv.ts';

export interface ExportVariant {
  /** Variant id, e.g. `pixels+w32`: the tensorName. */
  name: string;
  x: Embeddings;
}

export interface Thumbnails {
  /** n × size × size × 3 RGB bytes. */
  images: Uint8Array;
  n: number;
  size: number;
}

export type TensorFormat = 'tsv' | 'bytes' | 'auto';

/** 'auto' writes TSV up to this many values per variant (about 50 MB of text), `.bytes` above. */
export const AUTO_TSV_MAX_VALUES = 4_000_000;

export interface ProjectorBundleOptions {
  variants: ExportVariant[];
  metadata?: MetadataColumns;
  /** The items' thumbnails; omitted (or size 0) → no sprite. */
  thumbnails?: Thumbnails;
  tensors?: TensorFormat;
  onProgress?: (step: string) => void;
}

export interface ProjectorEmbeddingInfo {
  tensorName: string;
  tensorShape: [number, number];
  tensorPath: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [number, number] };
}

export interface ProjectorConfigJson {
  embeddings: ProjectorEmbeddingInfo[];
}

export interface ProjectorBundle {
  files: Record<string, Uint8Array>;
  config: ProjectorConfigJson;
}

export const CONFIG_JSON = 'projector_config.json';
export const CONFIG_PBTXT = 'projector_config.pbtxt';
export const METADATA_TSV = 'metadata.tsv';
export const SPRITE_PNG = 'sprite.png';

export function buildProjectorBundle(opts: ProjectorBundleOptions): ProjectorBundle {
  const { variants, metadata, thumbnails } = opts;
  if (variants.length === 0) throw new RangeError('buildProjectorBundle: no variants to export');
  const n = variants[0].x.n;
  for (const v of variants) {
    if (v.x.n !== n) throw new RangeError(`buildProjectorBundle: ${v.name} has ${v.x.n} rows, ${variants[0].name} ${n}`);
    if (v.x.data.length !== v.x.n * v.x.dim)
      throw new RangeError(`buildProjectorBundle: ${v.name} has ${v.x.data.length} values for ${v.x.n}×${v.x.dim}`);
  }
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array> = {};

  let metadataPath: string | undefined;
  if (metadata && metadata.names.length > 0) {
    if (metadata.columns[0].length !== n)
      throw new RangeError(`buildProjectorBundle: metadata has ${metadata.columns[0].length} rows, the embeddings ${n}`);
    opts.onProgress?.('metadata');
    files[METADATA_TSV] = enc.encode(formatMetadataTsv(metadata).text);
    metadataPath = METADATA_TSV;
  }

  let sprite: ProjectorEmbeddingInfo['sprite'];
  if (thumbnails && thumbnails.size > 0 && thumbnails.n > 0) {
    if (thumbnails.n !== n) throw new RangeError(`buildProjectorBundle: ${thumbnails.n} thumbnails for ${n} rows`);
    opts.onProgress?.('sprite');
    const s = buildSprite(thumbnails.images, thumbnails.n, thumbnails.size);
    files[SPRITE_PNG] = s.png;
    sprite = { imagePath: SPRITE_PNG, singleImageDim: [s.tile, s.tile] };
  }

  const fileNames = uniqueFileNames(variants.map((v) => v.name));
  const embeddings = variants.map((v, i): ProjectorEmbeddingInfo => {
    opts.onProgress?.(`tensors ${v.name}`);
    const format = opts.tensors === 'bytes' || (opts.tensors !== 'tsv' && v.x.n * v.x.dim > AUTO_TSV_MAX_VALUES) ? 'bytes' : 'tsv';
    const tensorPath = `tensors/${fileNames[i]}.${format}`;
    files[tensorPath] = format === 'tsv' ? enc.encode(formatVectorsTsv(v.x)) : float32Bytes(v.x.data);
    const info: ProjectorEmbeddingInfo = { tensorName: v.name, tensorShape: [v.x.n, v.x.dim], tensorPath };
    if (metadataPath) info.metadataPath = metadataPath;
    if (sprite) info.sprite = { imagePath: sprite.imagePath, singleImageDim: [...sprite.singleImageDim] };
    return info;
  });
  const config: ProjectorConfigJson = { embeddings };
  files[CONFIG_JSON] = enc.encode(`${JSON.stringify(config, null, 2)}\n`);
  files[CONFIG_PBTXT] = enc.encode(projectorConfigPbtxt(config));
  return { files, config };
}

/** Little-endian float32 bytes of `data` (a copy). */
export function float32Bytes(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 4);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (le) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  else {
    const v = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) v.setFloat32(i * 4, data[i], true);
  }
  return out;
}

/** The config as protobuf text format (tensorboard/plugins/projector/projector_config.proto field names). */
export function projectorConfigPbtxt(config: ProjectorConfigJson): string {
  const lines: string[] = [];
  for (const e of config.embeddings) {
    lines.push('embeddings {');
    lines.push(`  tensor_name: ${pbString(e.tensorName)}`);
    for (const s of e.tensorShape) lines.push(`  tensor_shape: ${s}`);
    lines.push(`  tensor_path: ${pbString(e.tensorPath)}`);
    if (e.metadataPath) lines.push(`  metadata_path: ${pbString(e.metadataPath)}`);
    if (e.sprite) {
      lines.push('  sprite {');
      lines.push(`    image_path: ${pbString(e.sprite.imagePath)}`);
      for (const d of e.sprite.singleImageDim) lines.push(`    single_image_dim: ${d}`);
      lines.push('  }');
    }
    lines.push('}');
  }
  return lines.join('\n') + '\n';
}

/** A protobuf text-format string literal: UTF-8 kept, quotes, backslashes and control bytes escaped. */
function pbString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
