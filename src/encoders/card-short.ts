/**
 * The short form of an image model card, for an ONNX encoder that came without one:
 *
 *   { "input": { "size": 64, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "name"?: "images" },
 *     "output": { "dim": 128, "name"?: "embedding" }, "name"?: "My encoder" }
 *
 * `input.size` is required; `mean`/`std` default to [0, 0, 0] / [1, 1, 1] (pixels in [0, 1]);
 * `output.dim` defaults to the model's fixed output dimension; the names default to the model's
 * own (single) input and first output. The full ImageModelCard is then checked by parseCard, so a
 * bad field gets the same message as in a full card (e.g. field "input.std[1]" must be positive).
 */
import { InputError } from '../data/errors.ts';
import type { ImageModelCard } from './card.ts';
import { parseCard } from './card-validate.ts';

/** A card JSON is short when it has no `modality` (every full card names its modality). */
export function isShortCard(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && !('modality' in json);
}

export interface ShortCardContext {
  /** Card id (the model file's stem, made safe). */
  id: string;
  /** The ONNX file's name. */
  modelFile: string;
  /** sha256 of the model bytes. */
  sha256: string;
  /** The model's own input/output names and output dim (from onnx-inspect). */
  inputName?: string;
  outputName?: string;
  outputDim?: number;
}

export function cardFromShort(json: unknown, file: string, ctx: ShortCardContext): ImageModelCard {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InputError(file, 'a short card must be a JSON object {"input": {...}, "output": {...}}');
  const j = json as Record<string, unknown>;
  const input = (j.input ?? {}) as Record<string, unknown>;
  const output = (j.output ?? {}) as Record<string, unknown>;
  if (typeof input !== 'object' || Array.isArray(input))
    throw new InputError(file, 'field "input" must be an object like {"size": 64, "mean": [...], "std": [...]}');
  if (typeof output !== 'object' || Array.isArray(output)) throw new InputError(file, 'field "output" must be an object like {"dim": 128}');
  if (input.size === undefined) throw new InputError(file, 'field "input.size" is missing (the square input side in pixels)');
  const inputName = input.name ?? ctx.inputName;
  const outputName = output.name ?? ctx.outputName;
  if (inputName === undefined)
    throw new InputError(file, 'field "input.name" is missing and the model has no single input to take it from');
  if (outputName === undefined) throw new InputError(file, 'field "output.name" is missing and the model has no output to take it from');
  const dim = output.dim ?? ctx.outputDim;
  if (dim === undefined) throw new InputError(file, 'field "output.dim" is missing and the model\'s output has no fixed dimension');
  const full = {
    id: ctx.id,
    name: typeof j.name === 'string' && j.name.trim() ? j.name : ctx.id,
    modality: 'image',
    file: ctx.modelFile,
    sha256: ctx.sha256,
    input: { name: inputName, size: input.size, channels: 3, layout: 'NCHW', mean: input.mean ?? [0, 0, 0], std: input.std ?? [1, 1, 1] },
    output: { name: outputName, dim },
    architecture: typeof j.architecture === 'string' && j.architecture ? j.architecture : 'unknown (imported ONNX model, short-form card)',
    objective: typeof j.objective === 'string' && j.objective ? j.objective : 'unknown',
    provenance: typeof j.provenance === 'string' && j.provenance ? j.provenance : `imported: ${ctx.modelFile}`,
    licence: typeof j.licence === 'string' && j.licence ? j.licence : 'unknown',
  };
  const card = parseCard(full, file);
  if (card.modality !== 'image') throw new InputError(file, 'a short card describes an image encoder');
  return card;
}

/** A card id from a file stem: letters, digits, ".", "_", "-", starting with a letter or digit. */
export function safeId(stem: string): string {
  const s = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return s || 'model';
}
