/**
 * A small protobuf walker for ONNX files: checks that the bytes are an ONNX `ModelProto` and lists
 * the graph's inputs and outputs (element type and shape) without loading a runtime, so a model
 * can be refused before anything is encoded. Pure TypeScript, no allocation beyond the names.
 *
 * Wire format: https://protobuf.dev/programming-guides/encoding/ ; schema: onnx/onnx.proto
 *   ModelProto   1 ir_version (varint) · 7 graph (GraphProto) · 8 opset_import · 2-6, 14, 20, 25 others
 *   GraphProto   1 node · 2 name · 5 initializer (TensorProto, 8 name) · 11 input · 12 output (ValueInfoProto)
 *   ValueInfoProto  1 name · 2 type (TypeProto)
 *   TypeProto    1 tensor_type (2 elem_type · 2 shape) ; others (sequence, map, …) are not tensors
 *   TensorShapeProto  1 dim (1 dim_value int64 · 2 dim_param string)
 * Inputs that are also initializers (IR < 4 lists weights as inputs) are not model inputs.
 */
import { InputError } from '../data/errors.ts';
import type { SessionLike } from './session-check.ts';

export interface OnnxValue {
  name: string;
  /** ONNX element type name ("float32", "int64", …), or undefined when not a tensor. */
  type?: string;
  /** Dimensions: a number (fixed), a string (symbolic), or null (unknown). */
  shape?: (number | string | null)[];
}

export interface OnnxInfo {
  irVersion: number;
  opsetVersion?: number;
  producer?: string;
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};

class NotOnnx extends Error {
  constructor(
    readonly at: number,
    readonly why: string,
  ) {
    super(why);
  }
}

/** One length-delimited region of the buffer being walked. */
class Reader {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    const at = this.pos;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new NotOnnx(at, 'truncated varint');
      const byte = this.b[this.pos++];
      if (mul < 2 ** 53) result += (byte & 0x7f) * mul;
      mul *= 128;
      if ((byte & 0x80) === 0) return result;
    }
    throw new NotOnnx(at, 'varint longer than 10 bytes');
  }

  /** Reads a field key; returns [field number, wire type]. */
  key(): [number, number] {
    const at = this.pos;
    const k = this.varint();
    const field = Math.floor(k / 8);
    const wire = k % 8;
    if (field === 0) throw new NotOnnx(at, 'field number 0');
    if (wire === 3 || wire === 4 || wire > 5) throw new NotOnnx(at, `wire type ${wire} (groups/invalid) for field ${field}`);
    return [field, wire];
  }

  /** Skips a value of the wire type; returns [start, end] of a length-delimited payload. */
  value(wire: number, field: number): [number, number] {
    const at = this.pos;
    switch (wire) {
      case 0:
        this.varint();
        return [at, this.pos];
      case 1:
        this.need(8, at, field);
        this.pos += 8;
        return [at, this.pos];
      case 5:
        this.need(4, at, field);
        this.pos += 4;
        return [at, this.pos];
      case 2: {
        const len = this.varint();
        const start = this.pos;
        if (len > this.end - start) throw new NotOnnx(at, `field ${field} declares ${len} bytes but only ${this.end - start} remain`);
        this.pos = start + len;
        return [start, this.pos];
      }
      default:
        throw new NotOnnx(at, `wire type ${wire}`);
    }
  }

  private need(n: number, at: number, field: number) {
    if (this.end - this.pos < n) throw new NotOnnx(at, `field ${field} is truncated`);
  }

  /** A varint read as a signed int64 (dims are int64; a negative one is 10 bytes long). */
  int64(): number {
    const at = this.pos;
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new NotOnnx(at, 'truncated varint');
      const byte = this.b[this.pos++];
      v |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return Number(BigInt.asIntN(64, v));
    }
    throw new NotOnnx(at, 'varint longer than 10 bytes');
  }

  sub(start: number, end: number): Reader {
    return new Reader(this.b, start, end);
  }

  string(start: number, end: number): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.b.subarray(start, end));
    } catch {
      throw new NotOnnx(start, 'a name is not valid UTF-8');
    }
  }
}

/** Walks every field of a message, calling `on` for each; checks wire types of the known fields. */
function walk(r: Reader, expect: Record<number, number>, on: (field: number, start: number, end: number, wire: number) => void): void {
  while (r.pos < r.end) {
    const at = r.pos;
    const [field, wire] = r.key();
    const want = expect[field];
    if (want !== undefined && want !== wire && !(want === 0 && wire === 2)) {
      throw new NotOnnx(at, `field ${field} has wire type ${wire}, expected ${want}`);
    }
    const [s, e] = r.value(wire, field);
    on(field, s, e, wire);
  }
}

/** Inspects an ONNX model; throws InputError "not an ONNX model (byte N: …)" for anything else. */
export function inspectOnnx(bytes: Uint8Array, file: string): OnnxInfo {
  try {
    return inspect(bytes);
  } catch (e) {
    if (e instanceof NotOnnx) throw new InputError(file, `not an ONNX model (byte ${e.at}: ${e.why})`, `byte ${e.at}`);
    throw e;
  }
}

function inspect(b: Uint8Array): OnnxInfo {
  if (b.length === 0) throw new NotOnnx(0, 'the file is empty');
  const r = new Reader(b, 0, b.length);
  let irVersion: number | undefined;
  let graph: [number, number] | undefined;
  let opsetVersion: number | undefined;
  let producer: string | undefined;
  walk(r, { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 }, (field, s, e) => {
    if (field === 1) irVersion = r.sub(s, e).varint();
    else if (field === 7) graph = [s, e];
    else if (field === 2) producer = r.string(s, e);
    else if (field === 8) {
      // OperatorSetIdProto: 1 domain, 2 version
      let domain = '';
      let version: number | undefined;
      const o = r.sub(s, e);
      walk(o, { 1: 2, 2: 0 }, (f, s2, e2) => {
        if (f === 1) domain = o.string(s2, e2);
        else if (f === 2) version = o.sub(s2, e2).varint();
      });
      if ((domain === '' || domain === 'ai.onnx') && version !== undefined) opsetVersion = version;
    }
  });
  if (irVersion === undefined) throw new NotOnnx(0, 'no ir_version field (field 1), so not a ModelProto');
  if (irVersion < 1 || irVersion > 100) throw new NotOnnx(0, `ir_version ${irVersion} is not a known ONNX IR version`);
  if (!graph) throw new NotOnnx(0, 'no graph (field 7)');

  const g = r.sub(graph[0], graph[1]);
  const inputs: OnnxValue[] = [];
  const outputs: OnnxValue[] = [];
  const initializers = new Set<string>();
  walk(g, { 1: 2, 2: 2, 5: 2, 11: 2, 12: 2, 13: 2, 15: 2 }, (field, s, e) => {
    if (field === 11) inputs.push(valueInfo(g.sub(s, e)));
    else if (field === 12) outputs.push(valueInfo(g.sub(s, e)));
    else if (field === 5) {
      const t = g.sub(s, e);
      walk(t, { 8: 2 }, (f, s2, e2) => {
        if (f === 8) initializers.add(t.string(s2, e2));
      });
    }
  });
  if (outputs.length === 0) throw new NotOnnx(graph[0], 'the graph has no outputs');
  return { irVersion, opsetVersion, producer, inputs: inputs.filter((v) => !initializers.has(v.name)), outputs };
}

function valueInfo(r: Reader): OnnxValue {
  const v: OnnxValue = { name: '' };
  walk(r, { 1: 2, 2: 2, 3: 2 }, (field, s, e) => {
    if (field === 1) v.name = r.string(s, e);
    else if (field === 2) {
      const t = r.sub(s, e);
      walk(t, { 1: 2 }, (f, s2, e2) => {
        if (f !== 1) return;
        const tt = t.sub(s2, e2);
        walk(tt, { 1: 0, 2: 2 }, (f2, s3, e3) => {
          if (f2 === 1) {
            const code = tt.sub(s3, e3).varint();
            v.type = ELEM_TYPES[code] ?? `type ${code}`;
          } else if (f2 === 2) {
            const shape: (number | string | null)[] = [];
            const sh = tt.sub(s3, e3);
            walk(sh, { 1: 2 }, (f3, s4, e4) => {
              if (f3 !== 1) return;
              let d: number | string | null = null;
              const dr = sh.sub(s4, e4);
              walk(dr, { 1: 0, 2: 2 }, (f4, s5, e5) => {
                if (f4 === 1) {
                  d = dr.sub(s5, e5).int64();
                  if (d < 0) throw new NotOnnx(s5, `${v.name ? `"${v.name}" has ` : ''}a negative dimension (${d})`);
                } else if (f4 === 2) d = dr.string(s5, e5) || null;
              });
              shape.push(d);
            });
            v.shape = shape;
          }
        });
      });
    }
  });
  return v;
}

/** The inspected model in the shape checkSessionAgainstCard takes (session-check.ts). */
export function asSessionLike(info: OnnxInfo): SessionLike {
  const meta = (v: OnnxValue) => ({
    name: v.name,
    isTensor: v.type !== undefined,
    type: v.type,
    shape: v.shape?.map((d) => (d === null ? '?' : d)),
  });
  return {
    inputNames: info.inputs.map((v) => v.name),
    outputNames: info.outputs.map((v) => v.name),
    inputMetadata: info.inputs.map(meta),
    outputMetadata: info.outputs.map(meta),
  };
}

/** "input [batch, 3, 64, 64] float32" for messages and the CLI report. */
export function describeValue(v: OnnxValue): string {
  return `"${v.name}" ${v.type ?? 'non-tensor'} [${(v.shape ?? []).map((d) => (d === null ? '?' : d)).join(', ')}]`;
}
