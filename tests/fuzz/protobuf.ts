/** A tiny protobuf writer and ONNX ModelProto builder, for structure-aware ONNX fuzz cases. Pure. */
import { concat, utf8 } from './bytes.ts';

export function varint(n: number): Uint8Array {
  const out: number[] = [];
  if (n < 0) n = 2 ** 64 + n; // two's complement as protobuf does (precision loss is fine for fuzzing)
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return new Uint8Array(out);
}

export const key = (field: number, wire: number) => varint(field * 8 + wire);
export const vi = (field: number, n: number) => concat(key(field, 0), varint(n));
export const ld = (field: number, b: Uint8Array) => concat(key(field, 2), varint(b.length), b);
export const str = (field: number, s: string) => ld(field, utf8(s));

export const FLOAT = 1;
export const INT64 = 7;
export const FLOAT16 = 10;

export interface ValueSpec {
  name: string;
  elemType: number;
  dims: (number | string)[];
}

export function valueInfo(v: ValueSpec): Uint8Array {
  const dims = v.dims.map((d) => ld(1, typeof d === 'number' ? vi(1, d) : str(2, d)));
  const tensor = concat(vi(1, v.elemType), ld(2, concat(...dims)));
  return concat(str(1, v.name), ld(2, ld(1, tensor)));
}

export interface ModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  /** Names of initializers (weights) to add to the graph. */
  initializers?: string[];
  noGraph?: boolean;
  /** Extra bytes appended inside the graph message. */
  graphExtra?: Uint8Array;
}

export function onnxModel(m: ModelSpec): Uint8Array {
  const node = concat(
    ...m.inputs.slice(0, 1).map((i) => str(1, i.name)),
    ...m.outputs.map((o) => str(2, o.name)),
    str(3, 'flatten'),
    str(4, 'Flatten'),
  );
  const inits = (m.initializers ?? []).map((n) => ld(5, concat(vi(1, 1), vi(2, FLOAT), str(8, n), ld(9, new Uint8Array(4)))));
  const graph = concat(
    ld(1, node),
    str(2, 'fuzz'),
    ...inits,
    ...m.inputs.map((i) => ld(11, valueInfo(i))),
    ...m.outputs.map((o) => ld(12, valueInfo(o))),
    m.graphExtra ?? new Uint8Array(0),
  );
  return concat(vi(1, 8), str(2, 'recall-lens-fuzz'), ...(m.noGraph ? [] : [ld(7, graph)]), ld(8, concat(str(1, ''), vi(2, 17))));
}

/** A graph attribute nesting subgraphs `depth` deep (NodeProto.attribute → AttributeProto.g → GraphProto.node …). */
export function nestedGraphs(depth: number): Uint8Array {
  let g: Uint8Array = str(2, 'leaf');
  for (let i = 0; i < depth; i++) {
    const attr = concat(str(1, 'body'), ld(6, g), vi(20, 5));
    const node = concat(str(4, 'Loop'), ld(5, attr));
    g = ld(1, node);
  }
  return g;
}
