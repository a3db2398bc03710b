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
import { op, T, type Code, type FuncDef } from './wasm-asm.ts';

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
export function filterKernel(cols: boolean): FuncDef {
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
