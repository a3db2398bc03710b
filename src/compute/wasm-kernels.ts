/**
 * The WebAssembly SIMD kernels at run time: compiled once, instantiated over a memory big enough for
 * the caller's blocks, and null wherever WebAssembly SIMD is missing (the JS paths then run). The
 * kernels themselves are assembled in `wasm-kernel-scores.ts` (KNN distance blocks and candidate
 * filters) and `wasm-kernel-gemm64.ts` (float64 products for whitening).
 */
import { scoresKernel, filterKernel } from './wasm-kernel-scores.ts';
import { gemm64Kernel } from './wasm-kernel-gemm64.ts';
import { assemble, type FuncDef } from './wasm-asm.ts';

export interface ScoreKernel {
  memory: WebAssembly.Memory;
  /** See the module comment; all pointers in bytes, every count ≥ 1. */
  scores(aPtr: number, nq: number, bPtr: number, np: number, dim: number, normPtr: number, outPtr: number, outStride: number): void;
  /** See `filterKernel`; `addPtr` is unused. */
  filterRows(
    outPtr: number,
    rows: number,
    g0: number,
    groups: number,
    stride: number,
    addPtr: number,
    thrPtr: number,
    hitsPtr: number,
  ): number;
  /** See `filterKernel`; `thrPtr` points at the threshold of tile column 0. */
  filterCols(
    outPtr: number,
    rows: number,
    g0: number,
    groups: number,
    stride: number,
    addPtr: number,
    thrPtr: number,
    hitsPtr: number,
  ): number;
}

export interface Gemm64Kernel {
  memory: WebAssembly.Memory;
  /** See `gemm64Kernel`; pointers in bytes, every count ≥ 1. */
  gemm64(aPtr: number, nq: number, bPtr: number, np: number, len: number, outPtr: number, outStride: number): void;
}

const scoresModule = (): FuncDef[] => [scoresKernel(), filterKernel(false), filterKernel(true)];

const modules = new Map<string, WebAssembly.Module | null>();

/** Compile (once) a kernel module; null when WebAssembly SIMD is unavailable. */
function getModule(name: string, make: () => FuncDef[]): WebAssembly.Module | null {
  const cached = modules.get(name);
  if (cached !== undefined) return cached;
  let mod: WebAssembly.Module | null = null;
  try {
    if (typeof WebAssembly !== 'undefined') {
      const bytes = assemble(make());
      if (WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
    }
  } catch {
    mod = null; // engine without SIMD, or WebAssembly disabled by policy: callers fall back to JS
  }
  modules.set(name, mod);
  return mod;
}

/** Whether the SIMD kernels can run here (WebAssembly with fixed-width SIMD). */
export function wasmAvailable(): boolean {
  return getModule('scores', scoresModule) !== null;
}

/**
 * One instance per kernel module, kept between calls: its memory is reused and grown as needed
 * (fresh pages are costly to touch, and the app calls the kernels again for every variant).
 * `releaseKernelMemory()` drops them. Safe because every call is synchronous: a worker or the main
 * thread never runs two searches at once.
 */
const instances = new Map<string, { memory: WebAssembly.Memory; exports: WebAssembly.Exports }>();

function instantiate(
  name: string,
  mod: WebAssembly.Module | null,
  bytes: number,
): { memory: WebAssembly.Memory; exports: WebAssembly.Exports } | null {
  if (mod === null) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > 65536) return null;
  const cached = instances.get(name);
  if (cached !== undefined) {
    const have = cached.memory.buffer.byteLength / 65536;
    if (have >= pages) return cached;
    try {
      cached.memory.grow(pages - have);
      return cached;
    } catch {
      instances.delete(name); // could not grow: try a fresh memory below
    }
  }
  try {
    const memory = new WebAssembly.Memory({ initial: pages });
    const inst = new WebAssembly.Instance(mod, { env: { mem: memory } });
    const entry = { memory, exports: inst.exports };
    instances.set(name, entry);
    return entry;
  } catch {
    return null; // memory could not be reserved: the caller uses its JS path
  }
}

/** Drops the cached kernel instances and their memory. */
export function releaseKernelMemory(): void {
  instances.clear();
}

/** The score kernel over a memory of at least `bytes` bytes (null: use JS). Contents are stale. */
export function createScoreKernel(bytes: number): ScoreKernel | null {
  const r = instantiate('scores', getModule('scores', scoresModule), bytes);
  if (r === null) return null;
  const e = r.exports;
  return {
    memory: r.memory,
    scores: e.scores as ScoreKernel['scores'],
    filterRows: e.filterRows as ScoreKernel['filterRows'],
    filterCols: e.filterCols as ScoreKernel['filterCols'],
  };
}

/** The float64 GEMM kernel over a memory of at least `bytes` bytes (null: use JS). Contents are stale. */
export function createGemm64Kernel(bytes: number): Gemm64Kernel | null {
  const r = instantiate(
    'gemm64',
    getModule('gemm64', () => [gemm64Kernel()]),
    bytes,
  );
  return r === null ? null : { memory: r.memory, gemm64: r.exports.gemm64 as Gemm64Kernel['gemm64'] };
}
