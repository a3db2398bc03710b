/**
 * WebAssembly SIMD kernels for the KNN distance blocks, assembled at run time by `wasm-asm.ts`.
 *
 * `scores` computes, for a block of seeds and a block of corpus items,
 *     score[i][j] = norm[j] − 2 · ⟨a_i, b_j⟩        (float32)
 * which orders items exactly like the squared Euclidean distance ‖a_i‖² − 2⟨a_i,b_j⟩ + ‖b_j‖²
 * (the seed's own ‖a_i‖² is a constant per row). For cosine, vectors are unit-normalised and
 * `norm` is 0, so the score is −2·cos.
 *
 * Memory layouts (all float32, byte pointers):
 *  - seeds are packed in quads: quad q holds 4 seeds interleaved d-major, A[q][d][0..4];
 *  - items are packed in panels of 8: panel p holds B[p][d][0..8];
 *  - norm[j] for the packed items (padding items get +Infinity, so they never rank);
 *  - out is row-major, one row per seed, `outStride` bytes apart; columns follow the panels.
 * The register tile is 4 seeds × 8 items = 8 f32x4 accumulators (fits the 16 XMM registers
 * V8 allocates on x86-64 and the 32 on arm64).
 *
 * Plain f32x4.mul + f32x4.add (no relaxed SIMD): on V8 11 (Node 20) `f32x4.relaxed_madd` measured
 * ~15% slower for this tile, and plain SIMD rounds identically on every engine. The exactness of
 * the final neighbours comes from the float64 re-rank and the error bound in `knn/bounds.ts`.
 */
import { assemble, op, T, type Code, type FuncDef } from './wasm-asm.ts';

export function scoresKernel(relaxed = false): FuncDef {
  // params
  const aPtr = 0,
    nq = 1,
    bPtr = 2,
    np = 3,
    D = 4,
    normPtr = 5,
    outPtr = 6,
    outStride = 7;
  // i32 locals
  const qa = 8,
    qEnd = 9,
    outRow = 10,
    pbase = 11,
    pEnd = 12,
    outp = 13,
    normp = 14,
    pa = 15;
  const pb = 16,
    pbEnd = 17,
    s2 = 18,
    s3 = 19,
    dq = 20,
    dp = 21;
  // v128 locals
  const acc = [22, 23, 24, 25, 26, 27, 28, 29];
  const b0 = 30,
    b1 = 31,
    a = 32,
    n0 = 33,
    n1 = 34,
    m2 = 35;

  const madd = (accIdx: number, x: number, y: number): Code =>
    relaxed
      ? [op.get(x), op.get(y), op.get(accIdx), op.f32x4RelaxedMadd, op.set(accIdx)]
      : [op.get(accIdx), op.get(x), op.get(y), op.f32x4Mul, op.f32x4Add, op.set(accIdx)];

  const kStep = (): Code => [
    op.get(pb),
    op.v128Load(0),
    op.set(b0),
    op.get(pb),
    op.v128Load(16),
    op.set(b1),
    [0, 1, 2, 3].map((i) => [op.get(pa), op.v128Load32Splat(4 * i), op.set(a), madd(acc[2 * i], a, b0), madd(acc[2 * i + 1], a, b1)]),
    op.get(pa),
    op.i32(16),
    op.i32Add,
    op.set(pa),
    op.get(pb),
    op.i32(32),
    op.i32Add,
    op.set(pb),
  ];

  const storeRow = (i: number): Code => {
    const rowAddr: Code =
      i === 0
        ? [op.get(outp)]
        : i === 1
          ? [op.get(outp), op.get(outStride), op.i32Add]
          : i === 2
            ? [op.get(outp), op.get(s2), op.i32Add]
            : [op.get(outp), op.get(s3), op.i32Add];
    return [
      rowAddr,
      op.get(n0),
      op.get(acc[2 * i]),
      op.get(m2),
      op.f32x4Mul,
      op.f32x4Add,
      op.v128Store(0),
      rowAddr,
      op.get(n1),
      op.get(acc[2 * i + 1]),
      op.get(m2),
      op.f32x4Mul,
      op.f32x4Add,
      op.v128Store(16),
    ];
  };

  const body: Code = [
    op.f32(-2),
    op.f32x4Splat,
    op.set(m2),
    op.get(D),
    op.i32(16),
    op.i32Mul,
    op.set(dq),
    op.get(D),
    op.i32(32),
    op.i32Mul,
    op.set(dp),
    op.get(outStride),
    op.i32(2),
    op.i32Mul,
    op.set(s2),
    op.get(outStride),
    op.i32(3),
    op.i32Mul,
    op.set(s3),
    op.get(aPtr),
    op.set(qa),
    op.get(aPtr),
    op.get(nq),
    op.get(dq),
    op.i32Mul,
    op.i32Add,
    op.set(qEnd),
    op.get(bPtr),
    op.get(np),
    op.get(dp),
    op.i32Mul,
    op.i32Add,
    op.set(pEnd),
    op.get(outPtr),
    op.set(outRow),
    op.loop, // Q: over seed quads
    [
      op.get(bPtr),
      op.set(pbase),
      op.get(outRow),
      op.set(outp),
      op.get(normPtr),
      op.set(normp),
      op.loop, // P: over item panels
      [
        acc.map((r) => [op.v128Zero, op.set(r)]),
        op.get(qa),
        op.set(pa),
        op.get(pbase),
        op.set(pb),
        op.get(pbase),
        op.get(dp),
        op.i32Add,
        op.set(pbEnd),
        // A plain do-while over d (D ≥ 1). Unrolling measured slower: V8 then spills accumulators.
        op.loop,
        kStep(),
        op.get(pb),
        op.get(pbEnd),
        op.i32Ne,
        op.brIf(0),
        op.end,
        op.get(normp),
        op.v128Load(0),
        op.set(n0),
        op.get(normp),
        op.v128Load(16),
        op.set(n1),
        [0, 1, 2, 3].map(storeRow),
        op.get(outp),
        op.i32(32),
        op.i32Add,
        op.set(outp),
        op.get(normp),
        op.i32(32),
        op.i32Add,
        op.set(normp),
        op.get(pbEnd),
        op.tee(pbase),
        op.get(pEnd),
        op.i32Ne,
        op.brIf(0),
      ],
      op.end,
      op.get(qa),
      op.get(dq),
      op.i32Add,
      op.tee(qa),
      op.get(outRow),
      op.get(s2),
      op.i32Add,
      op.get(s2),
      op.i32Add,
      op.set(outRow),
      op.get(qEnd),
      op.i32Ne,
      op.brIf(0),
    ],
    op.end,
  ];
  return {
    name: 'scores',
    params: [T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32],
    results: [],
    locals: [...new Array<T>(14).fill(T.i32), ...new Array<T>(14).fill(T.v128)],
    body,
  };
}

/**
 * Candidate filters over a score tile (row-major, `stride` bytes per row), 4 columns at a time.
 * Each group of 4 with at least one lane passing writes two i32 to `hits`: the float index of the
 * group within the tile and the 4-bit lane mask. Returns the number of hits.
 *  - `filterRows`: lane passes when score ≤ thr[r] (one threshold per row);
 *  - `filterCols`: lane passes when score + add[r] ≤ thr[c] (one threshold per column), from
 *    group `g0` on.
 * The thresholds are float32 values rounded up from the exact ones, so the filters never drop a
 * score the exact float64 test would keep (float32 rounding is monotonic); the caller re-tests.
 */
function filterKernel(cols: boolean): FuncDef {
  // params
  const outPtr = 0,
    rows = 1,
    g0 = 2,
    groups = 3,
    stride = 4,
    addPtr = 5,
    thrPtr = 6,
    hitsPtr = 7;
  // locals
  const h = 8,
    r = 9,
    rowp = 10,
    p = 11,
    end = 12,
    tp = 13,
    m = 14;
  const t = 15,
    a = 16;
  const test: Code = cols
    ? [op.get(p), op.v128Load(0), op.get(a), op.f32x4Add, op.get(tp), op.v128Load(0), op.f32x4Le]
    : [op.get(p), op.v128Load(0), op.get(t), op.f32x4Le];
  const body: Code = [
    op.get(hitsPtr),
    op.set(h),
    op.get(outPtr),
    op.set(rowp),
    op.i32(0),
    op.set(r),
    op.block,
    [
      op.get(rows),
      op.i32Eqz,
      op.brIf(0),
      op.get(groups),
      op.i32Eqz,
      op.brIf(0),
      op.loop,
      [
        cols
          ? [
              op.get(addPtr),
              op.get(r),
              op.i32(4),
              op.i32Mul,
              op.i32Add,
              op.v128Load32Splat(0),
              op.set(a),
              op.get(thrPtr),
              op.get(g0),
              op.i32(16),
              op.i32Mul,
              op.i32Add,
              op.set(tp),
            ]
          : [op.get(thrPtr), op.get(r), op.i32(4), op.i32Mul, op.i32Add, op.v128Load32Splat(0), op.set(t)],
        op.get(rowp),
        op.get(g0),
        op.i32(16),
        op.i32Mul,
        op.i32Add,
        op.set(p),
        op.get(p),
        op.get(groups),
        op.i32(16),
        op.i32Mul,
        op.i32Add,
        op.set(end),
        op.loop,
        [
          test,
          op.i32x4Bitmask,
          op.tee(m),
          op.if_,
          [
            op.get(h),
            op.get(p),
            op.get(outPtr),
            op.i32Sub,
            op.i32(2),
            op.i32ShrU,
            op.i32Store(0),
            op.get(h),
            op.get(m),
            op.i32Store(4),
            op.get(h),
            op.i32(8),
            op.i32Add,
            op.set(h),
          ],
          op.end,
          cols ? [op.get(tp), op.i32(16), op.i32Add, op.set(tp)] : [],
          op.get(p),
          op.i32(16),
          op.i32Add,
          op.tee(p),
          op.get(end),
          op.i32Ne,
          op.brIf(0),
        ],
        op.end,
        op.get(rowp),
        op.get(stride),
        op.i32Add,
        op.set(rowp),
        op.get(r),
        op.i32(1),
        op.i32Add,
        op.tee(r),
        op.get(rows),
        op.i32Ne,
        op.brIf(0),
      ],
      op.end,
    ],
    op.end,
    op.get(h),
    op.get(hitsPtr),
    op.i32Sub,
    op.i32(3),
    op.i32ShrU,
  ];
  return {
    name: cols ? 'filterCols' : 'filterRows',
    params: new Array<T>(8).fill(T.i32),
    results: [T.i32],
    locals: [...new Array<T>(7).fill(T.i32), T.v128, T.v128],
    body,
  };
}

/**
 * `gemm64` accumulates a float64 product into a row-major output, 4 × 4 register tiles:
 *     out[4q + i][4p + j] += Σ_t A[q][t][i] · B[p][t][j]      (i, j < 4)
 * for q < nq, p < np. A quads and B panels are both "t-major, 4 lanes" (A[q][t][0..4] contiguous),
 * `len` is the reduction length; out rows are `outStride` bytes apart. Used for the covariance
 * (A = B = centred data packed 4 columns at a time, t = row) and for applying the whitening
 * (A = centred rows packed 4 rows at a time, B = W packed 4 columns at a time, t = dimension).
 */
export function gemm64Kernel(): FuncDef {
  const aPtr = 0,
    nq = 1,
    bPtr = 2,
    np = 3,
    len = 4,
    outPtr = 5,
    outStride = 6;
  const qa = 7,
    qEnd = 8,
    outRow = 9,
    pbase = 10,
    pEnd = 11,
    outp = 12,
    pa = 13,
    pb = 14,
    pbEnd = 15;
  const s2 = 16,
    s3 = 17,
    step = 18;
  const acc = [19, 20, 21, 22, 23, 24, 25, 26];
  const b0 = 27,
    b1 = 28,
    a = 29;
  const madd = (r: number, x: number, y: number): Code => [op.get(r), op.get(x), op.get(y), op.f64x2Mul, op.f64x2Add, op.set(r)];
  const tStep = (): Code => [
    op.get(pb),
    op.v128Load(0),
    op.set(b0),
    op.get(pb),
    op.v128Load(16),
    op.set(b1),
    [0, 1, 2, 3].map((i) => [op.get(pa), op.v128Load64Splat(8 * i), op.set(a), madd(acc[2 * i], a, b0), madd(acc[2 * i + 1], a, b1)]),
    op.get(pa),
    op.i32(32),
    op.i32Add,
    op.set(pa),
    op.get(pb),
    op.i32(32),
    op.i32Add,
    op.set(pb),
  ];
  const rowAddr = (i: number): Code =>
    i === 0 ? [op.get(outp)] : [op.get(outp), op.get(i === 1 ? outStride : i === 2 ? s2 : s3), op.i32Add];
  const addRow = (i: number): Code => [
    rowAddr(i),
    rowAddr(i),
    op.v128Load(0),
    op.get(acc[2 * i]),
    op.f64x2Add,
    op.v128Store(0),
    rowAddr(i),
    rowAddr(i),
    op.v128Load(16),
    op.get(acc[2 * i + 1]),
    op.f64x2Add,
    op.v128Store(16),
  ];
  const body: Code = [
    op.get(len),
    op.i32(32),
    op.i32Mul,
    op.set(step),
    op.get(outStride),
    op.i32(2),
    op.i32Mul,
    op.set(s2),
    op.get(outStride),
    op.i32(3),
    op.i32Mul,
    op.set(s3),
    op.get(aPtr),
    op.set(qa),
    op.get(aPtr),
    op.get(nq),
    op.get(step),
    op.i32Mul,
    op.i32Add,
    op.set(qEnd),
    op.get(bPtr),
    op.get(np),
    op.get(step),
    op.i32Mul,
    op.i32Add,
    op.set(pEnd),
    op.get(outPtr),
    op.set(outRow),
    op.loop,
    [
      op.get(bPtr),
      op.set(pbase),
      op.get(outRow),
      op.set(outp),
      op.loop,
      [
        acc.map((r) => [op.v128Zero, op.set(r)]),
        op.get(qa),
        op.set(pa),
        op.get(pbase),
        op.set(pb),
        op.get(pbase),
        op.get(step),
        op.i32Add,
        op.set(pbEnd),
        op.loop,
        tStep(),
        op.get(pb),
        op.get(pbEnd),
        op.i32Ne,
        op.brIf(0),
        op.end,
        [0, 1, 2, 3].map(addRow),
        op.get(outp),
        op.i32(32),
        op.i32Add,
        op.set(outp),
        op.get(pbEnd),
        op.tee(pbase),
        op.get(pEnd),
        op.i32Ne,
        op.brIf(0),
      ],
      op.end,
      op.get(qa),
      op.get(step),
      op.i32Add,
      op.tee(qa),
      op.get(outRow),
      op.get(s2),
      op.i32Add,
      op.get(s2),
      op.i32Add,
      op.set(outRow),
      op.get(qEnd),
      op.i32Ne,
      op.brIf(0),
    ],
    op.end,
  ];
  return {
    name: 'gemm64',
    params: [T.i32, T.i32, T.i32, T.i32, T.i32, T.i32, T.i32],
    results: [],
    locals: [...new Array<T>(12).fill(T.i32), ...new Array<T>(11).fill(T.v128)],
    body,
  };
}

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
