/**
 * What the analysis pipeline needs from the outside, as interfaces: the app passes its worker
 * clients and the IndexedDB cache (src/state/session.ts); tests pass in-process stand-ins.
 */
import type { Embeddings } from '../compute/types.ts';
import type { ModelCard } from '../encoders/card.ts';
import type { Remote } from '../workers/rpc.ts';
import type { ComputeApi } from '../workers/compute/compute.worker.ts';
import type { EncodeJob, EncodeResult } from '../workers/encoder/encoder.worker.ts';

/** A job on a compute worker; `alive()` tells the hang watchdog it is still making progress. */
export type ComputeJob<T> = (api: Remote<ComputeApi>, alive: () => void) => Promise<T>;

export interface ComputeRunner {
  run<T>(job: ComputeJob<T>, label?: string): Promise<T>;
  /** Drops every running job (they reject with CancelledError). */
  restart(): void;
  terminate(): void;
}

export interface EncoderRunner {
  encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult>;
  embedQuery(job: EncodeJob): Promise<EncodeResult>;
  cancel(): Promise<void> | void;
  terminate(): void;
}

/** Embeddings by model + corpus, and any value (metrics rows) by key; misses are null, never errors. */
export interface ResultCache {
  embeddingsKey(modelSha256: string, corpusHash: string): string;
  readEmbeddings(key: string): Promise<Embeddings | null>;
  writeEmbeddings(key: string, x: Embeddings): Promise<void>;
  read<T>(key: string): Promise<T | null>;
  write(key: string, value: unknown): Promise<void>;
}

export interface PipelineDeps {
  compute: ComputeRunner;
  encoder: EncoderRunner;
  cache: ResultCache;
  /** Where a built-in model's ONNX file is served. */
  modelUrl(card: ModelCard): string;
  /** The vectors in memory every worker can read without a copy (SharedArrayBuffer where possible). */
  share(x: Embeddings): Embeddings;
}
