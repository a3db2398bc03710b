import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError } from '../data/errors.ts';
import type { ModelCard } from './card.ts';
import { parseCard } from './card-validate.ts';
import type { Encoder } from './encoder.ts';
import { checkModelHash, checkSessionAgainstCard, ortMessage, runBatch } from './session-check.ts';

export interface NodeEncoderOptions {
  /** onnxruntime intra-op threads (default: onnxruntime's choice, all cores). */
  threads?: number;
}

/**
 * Load `<id>.card.json` and the ONNX file it names (next to it) with onnxruntime-node on the CPU.
 * Before anything is encoded: the card is validated, the file's sha256 must equal the card's, and the
 * model's input/output names, types and fixed dimensions must agree with the card. Every failure is
 * an InputError naming the file at fault (card or model) and the problem.
 */
export async function loadNodeEncoder(cardPath: string, opts: NodeEncoderOptions = {}): Promise<Encoder> {
  const card = parseCard(await readJson(cardPath), cardPath);
  const modelPath = path.join(path.dirname(cardPath), card.file);
  const bytes = await readModel(modelPath, cardPath);
  await checkModelHash(bytes, card, modelPath);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(opts.threads ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    });
  } catch (e) {
    throw new InputError(modelPath, `not a loadable ONNX model (onnxruntime: ${ortMessage(e)})`);
  }
  try {
    checkSessionAgainstCard(session, card, modelPath);
  } catch (e) {
    await session.release();
    throw e;
  }
  return nodeEncoder(session, card, modelPath);
}

function nodeEncoder(session: ort.InferenceSession, card: ModelCard, modelPath: string): Encoder {
  return {
    card,
    backend: 'onnxruntime-node (cpu)',
    async run(input: Float32Array | BigInt64Array, count: number): Promise<Float32Array> {
      const { output } = await runBatch(session, card, modelPath, input, count, nodeTensor, (m) => `inference failed (onnxruntime: ${m})`);
      return output.data as Float32Array;
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

function nodeTensor(type: 'float32' | 'int64', input: Float32Array | BigInt64Array, dims: number[]): ort.Tensor {
  return type === 'int64' ? new ort.Tensor('int64', input as BigInt64Array, dims) : new ort.Tensor('float32', input as Float32Array, dims);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(file, fsProblem(e, 'model card'));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(file, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

async function readModel(file: string, cardPath: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new InputError(file, `${fsProblem(e, 'ONNX model')} (named by "file" in ${path.basename(cardPath)})`);
  }
  if (bytes.length === 0) throw new InputError(file, 'the ONNX model file is empty');
  return bytes;
}

function fsProblem(e: unknown, what: string): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return `${what} file not found`;
  if (code === 'EISDIR') return `is a directory, not a ${what} file`;
  if (code === 'EACCES') return `${what} file is not readable (permission denied)`;
  return `${what} file could not be read (${e instanceof Error ? e.message : String(e)})`;
}
