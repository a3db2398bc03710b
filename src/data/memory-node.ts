/**
 * The up-front memory check for embeddings read from disk (Node). The budget for evaluating n × d
 * float32 vectors is 2× their bytes for the whole process (the vectors, the search's working
 * memory, metadata, the runtime; `recall-lens eval` whitens over the raw vectors, see
 * src/compute/evaluate.ts), so the rule is: 2 × (n · d · 4 bytes) must fit in the memory available
 * now, or the file is refused before anything is read.
 */
import os from 'node:os';
import { InputError } from './errors.ts';

export interface MemoryBudget {
  /** Bytes this process may still use (free + reclaimable memory, or the cgroup limit if lower). */
  available: number;
  /** Bytes of memory of the machine (or of the cgroup limit). */
  total: number;
}

/** Largest float32 array a single typed array can hold in V8 (2^32 − 1 elements). */
export const MAX_FLOATS = 2 ** 32 - 1;

/** This machine: os.freemem() (Linux: MemAvailable), os.totalmem(), and a cgroup limit when set. */
export function machineMemory(): MemoryBudget {
  let total = os.totalmem();
  let available = os.freemem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  if (constrained !== undefined && constrained > 0 && constrained < total) {
    total = constrained;
    available = Math.min(available, Math.max(0, constrained - process.memoryUsage.rss()));
  }
  return { available, total };
}

/** "1.02 GB (1024000000 bytes)"-style size for messages. */
export function formatBytes(b: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = b;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${b} bytes` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/**
 * Refuses, before anything is read, an n × dim float32 array that cannot be evaluated in this
 * memory (the 2× rule above) or that is larger than one typed array can be.
 */
export function checkFitsInMemory(file: string, n: number, dim: number, budget: MemoryBudget = machineMemory()): void {
  const floats = n * dim;
  const bytes = floats * 4;
  if (floats > MAX_FLOATS) {
    throw new InputError(
      file,
      `too large: ${n} × ${dim} = ${floats} values is more than the ${MAX_FLOATS} one array can hold (${formatBytes(MAX_FLOATS * 4)} as float32); split the rows into several files`,
    );
  }
  const need = 2 * bytes;
  if (need > budget.available) {
    throw new InputError(
      file,
      `too large for memory: ${n} × ${dim} float32 = ${formatBytes(bytes)}, and evaluating needs up to 2× that (${formatBytes(need)}), ` +
        `but only ${formatBytes(budget.available)} of this machine's ${formatBytes(budget.total)} memory is available; ` +
        `free memory, use a machine with more, or evaluate a subset of the rows`,
    );
  }
}
