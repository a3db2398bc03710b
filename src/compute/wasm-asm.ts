/**
 * A tiny WebAssembly binary assembler: just enough to emit the SIMD kernels in `wasm-kernels.ts`
 * without a toolchain or a committed binary. Pure TypeScript (no DOM, no Node APIs).
 *
 * Instructions are plain byte arrays; `code(...)` flattens nested arrays. Only the opcodes the
 * kernels use are defined. Reference: WebAssembly Core Specification 2.0, §5 (binary format) and
 * the fixed-width SIMD proposal (prefix 0xFD).
 */

export type Code = number | readonly Code[];

export const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type T = (typeof T)[keyof typeof T];

export function uleb(v: number): number[] {
  const out: number[] = [];
  let x = v >>> 0;
  do {
    let byte = x & 0x7f;
    x >>>= 7;
    if (x !== 0) byte |= 0x80;
    out.push(byte);
  } while (x !== 0);
  return out;
}

export function sleb(v: number): number[] {
  const out: number[] = [];
  let x = v | 0;
  for (;;) {
    const byte = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (byte & 0x40) === 0) || (x === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export function flatten(c: Code, out: number[] = []): number[] {
  if (typeof c === 'number') out.push(c);
  else for (const x of c) flatten(x, out);
  return out;
}

const str = (s: string): number[] => {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const simd = (op: number, ...rest: number[]): number[] => [0xfd, ...uleb(op), ...rest];
const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];

/** Instruction constructors (subset). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if_: [0x04, 0x40],
  else_: [0x05],
  end: [0x0b],
  br: (l: number) => [0x0c, ...uleb(l)],
  brIf: (l: number) => [0x0d, ...uleb(l)],
  ret: [0x0f],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Load: (offset = 0) => [0x28, ...memarg(2, offset)],
  f32Load: (offset = 0) => [0x2a, ...memarg(2, offset)],
  f32Store: (offset = 0) => [0x38, ...memarg(2, offset)],
  i32Store: (offset = 0) => [0x36, ...memarg(2, offset)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f32: (v: number) => {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return [0x43, ...Array.from(b)];
  },
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtU: [0x49],
  i32GtU: [0x4b],
  i32LeU: [0x4d],
  i32GeU: [0x4f],
  f32Lt: [0x5d],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32And: [0x71],
  i32Or: [0x72],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i32Ctz: [0x68],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  // SIMD
  v128Load: (offset = 0) => simd(0x00, ...memarg(4, offset)),
  v128Load32Splat: (offset = 0) => simd(0x09, ...memarg(2, offset)),
  v128Load64Splat: (offset = 0) => simd(0x0a, ...memarg(3, offset)),
  v128Store: (offset = 0) => simd(0x0b, ...memarg(4, offset)),
  v128Zero: simd(0x0c, ...new Array<number>(16).fill(0)),
  f32x4Splat: simd(0x13),
  f32x4ExtractLane: (lane: number) => simd(0x1f, lane),
  f32x4Lt: simd(0x43),
  f32x4Le: simd(0x45),
  i32x4Bitmask: simd(0xa4),
  v128AnyTrue: simd(0x53),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Min: simd(0xe8),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  /** Relaxed SIMD: a*b+c, fused or not (implementation-defined). */
  f32x4RelaxedMadd: simd(0x105),
} as const;

export interface FuncDef {
  name: string;
  params: T[];
  results: T[];
  /** Extra locals (after params), in order. */
  locals: T[];
  body: Code;
}

/** Assemble a module that imports its memory as env.mem and exports the given functions. */
export function assemble(funcs: FuncDef[], memory: { shared?: boolean; maxPages?: number } = {}): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const limits =
    memory.shared === true
      ? [0x03, ...uleb(1), ...uleb(memory.maxPages ?? 65536)]
      : memory.maxPages !== undefined
        ? [0x01, ...uleb(1), ...uleb(memory.maxPages)]
        : [0x00, ...uleb(1)];
  const imports = vec([[...str('env'), ...str('mem'), 0x02, ...limits]]);
  const funcIdx = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const codes = funcs.map((f) => {
    // Compress consecutive equal local types into (count, type) runs.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...flatten(f.body), 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, funcIdx),
    ...section(7, exports),
    ...section(10, vec(codes)),
  ];
  return new Uint8Array(bytes);
}
