import { InputError } from '../data/errors.ts';
import type { ModelCard } from './card.ts';

/**
 * Checks shared by the web and Node sessions (pure TypeScript: onnxruntime-web and -node expose the
 * same `InferenceSession` shape, typed here structurally).
 */

interface ValueMeta {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly ValueMeta[];
  readonly outputMetadata?: readonly ValueMeta[];
}

/**
 * The ONNX model's input and output agree with the card: one input named `card.input.name` — for an
 * image card float32 of shape [batch, 3, size, size], for a text card int64 of shape [batch, maxTokens]
 * — and an output named `card.output.name`, float32, shape [batch, dim]. Symbolic (named) dimensions
 * are accepted anywhere; fixed ones must match. Throws InputError naming `file` (the ONNX file).
 */
export function checkSessionAgainstCard(session: SessionLike, card: ModelCard, file: string): void {
  const ins = session.inputNames;
  const outs = session.outputNames;
  if (!ins.includes(card.input.name)) {
    throw new InputError(file, `the model has no input "${card.input.name}" (its inputs: ${list(ins)}); the card disagrees with the model`);
  }
  if (ins.length !== 1) {
    throw new InputError(file, `the model has ${ins.length} inputs (${list(ins)}); an ${card.modality} encoder must have exactly one`);
  }
  if (!outs.includes(card.output.name)) {
    throw new InputError(
      file,
      `the model has no output "${card.output.name}" (its outputs: ${list(outs)}); the card disagrees with the model`,
    );
  }
  if (card.modality === 'text') {
    const L = card.input.maxTokens;
    checkMeta(session.inputMetadata, card.input.name, 'int64', [null, L], file, 'input', `[batch, ${L}]`);
  } else {
    const s = card.input.size;
    checkMeta(session.inputMetadata, card.input.name, 'float32', [null, 3, s, s], file, 'input', `[batch, 3, ${s}, ${s}]`);
  }
  checkMeta(session.outputMetadata, card.output.name, 'float32', [null, card.output.dim], file, 'output', `[batch, ${card.output.dim}]`);
}

function checkMeta(
  metas: readonly ValueMeta[] | undefined,
  name: string,
  type: 'float32' | 'int64',
  expected: (number | null)[],
  file: string,
  what: string,
  shown: string,
): void {
  const meta = metas?.find((m) => m.name === name);
  if (!meta) return; // older runtimes expose no metadata: the output check in encodeAll still applies
  if (!meta.isTensor) throw new InputError(file, `${what} "${name}" is not a tensor`);
  if (meta.type !== undefined && meta.type !== type) {
    throw new InputError(file, `${what} "${name}" is ${meta.type}, expected ${type}`);
  }
  const shape = meta.shape;
  if (!shape || shape.length === 0) return; // shape not recorded in the model
  const bad =
    shape.length !== expected.length || shape.some((d, i) => typeof d === 'number' && d > 0 && expected[i] !== null && d !== expected[i]);
  if (bad) {
    throw new InputError(
      file,
      `${what} "${name}" has shape [${shape.map((d) => (typeof d === 'number' && d > 0 ? d : String(d || '?'))).join(', ')}], the card says ${shown}`,
    );
  }
}

/**
 * The ORT input tensor for `count` items of `card`: image cards take float32 [count, 3, S, S], text
 * cards int64 [count, maxTokens]. Throws RangeError when `input` has the wrong type or length.
 */
export function inputTensorSpec(
  card: ModelCard,
  input: Float32Array | BigInt64Array,
  count: number,
): { type: 'float32' | 'int64'; dims: number[] } {
  if (card.modality === 'text') {
    const L = card.input.maxTokens;
    if (!(input instanceof BigInt64Array)) {
      throw new RangeError(`run: ${card.id} is a text encoder and takes int64 token ids (a BigInt64Array from tokenizeTitles)`);
    }
    if (input.length !== count * L) throw new RangeError(`run: ${count} texts need ${count * L} token ids, got ${input.length}`);
    return { type: 'int64', dims: [count, L] };
  }
  const s = card.input.size;
  if (!(input instanceof Float32Array)) {
    throw new RangeError(`run: ${card.id} is an image encoder and takes float32 pixels (from preprocess)`);
  }
  if (input.length !== count * 3 * s * s) {
    throw new RangeError(`run: ${count} images need ${count * 3 * s * s} floats, got ${input.length}`);
  }
  return { type: 'float32', dims: [count, 3, s, s] };
}

/** The parts of an onnxruntime output tensor that `runBatch` checks (web and Node alike). */
export interface OutputLike {
  readonly type: string;
  readonly dims: readonly number[];
}

/** What `runBatch` needs from a session: onnxruntime-web's and -node's `InferenceSession.run`. */
export interface RunnableSession<T, O extends OutputLike> {
  run(feeds: Record<string, T>): Promise<Record<string, O>>;
}

/**
 * The run body both sessions share: one batch of `count` items through `session`. The input tensor
 * is built by `tensor` (each runtime has its own Tensor class) from `inputTensorSpec`; an onnxruntime
 * error becomes an InputError naming `file`, worded by `runFailed`; `afterRun` (if given) sees the
 * input tensor once the run has returned or failed. The output must be float32 of shape
 * [count, card.output.dim]; returns it with every output of the run (for the caller to release).
 */
export async function runBatch<T, O extends OutputLike>(
  session: RunnableSession<T, O>,
  card: ModelCard,
  file: string,
  input: Float32Array | BigInt64Array,
  count: number,
  tensor: (type: 'float32' | 'int64', input: Float32Array | BigInt64Array, dims: number[]) => T,
  runFailed: (ortMessage: string) => string,
  afterRun?: (input: T) => void,
): Promise<{ output: O; outputs: Record<string, O> }> {
  const spec = inputTensorSpec(card, input, count);
  const feed = tensor(spec.type, input, spec.dims);
  let outputs: Record<string, O>;
  try {
    outputs = await session.run({ [card.input.name]: feed });
  } catch (e) {
    throw new InputError(file, runFailed(ortMessage(e)));
  } finally {
    afterRun?.(feed);
  }
  const output = outputs[card.output.name];
  if (!output || output.type !== 'float32') {
    throw new InputError(file, `output "${card.output.name}" is ${output ? output.type : 'missing'}, expected float32`);
  }
  if (output.dims.length !== 2 || output.dims[0] !== count || output.dims[1] !== card.output.dim) {
    throw new InputError(
      file,
      `output "${card.output.name}" has shape [${output.dims.join(', ')}] for ${count} items, the card says [${count}, ${card.output.dim}]`,
    );
  }
  return { output, outputs };
}

function list(names: readonly string[]): string {
  return names.length ? names.map((n) => `"${n}"`).join(', ') : 'none';
}

/** sha256 of `bytes` as lowercase hex via Web Crypto (browser, worker, Node ≥ 19); null when unavailable (insecure context). */
export async function sha256Hex(bytes: Uint8Array): Promise<string | null> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) return null;
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The model bytes are the ones the card describes (its sha256 is part of the embedding cache key). */
export async function checkModelHash(bytes: Uint8Array, card: ModelCard, file: string): Promise<void> {
  const actual = await sha256Hex(bytes);
  if (actual !== null && actual !== card.sha256) {
    throw new InputError(
      file,
      `sha256 ${actual.slice(0, 12)}… does not match the card's ${card.sha256.slice(0, 12)}… (the model was changed without updating its card)`,
    );
  }
}

/** The first line of an onnxruntime error, without its internal source location prefix. */
export function ortMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return (
    line
      .replace(/^\[[^\]]*\]\s*/, '')
      .replace(/^.*?\bfailed:\s*/i, '')
      .trim() || 'unknown error'
  );
}
