/**
 * 16-bit floats → float32, pure TypeScript: IEEE 754 binary16 (numpy `float16`, safetensors `F16`)
 * and bfloat16 (safetensors `BF16`: the top 16 bits of a float32). Every binary16 and bfloat16 value
 * is exactly representable in float32, so the conversion is exact.
 */

const HALF = new Float32Array(65536);
for (let h = 0; h < 65536; h++) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  HALF[h] = exp === 0 ? sign * frac * 2 ** -24 : exp === 31 ? (frac ? NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** binary16 bits → its value. */
export function halfToFloat(bits: number): number {
  return HALF[bits & 0xffff];
}

const BF = new Float32Array(1);
const BF_BITS = new Uint32Array(BF.buffer);

/** bfloat16 bits → its value. */
export function bfloat16ToFloat(bits: number): number {
  BF_BITS[0] = (bits & 0xffff) << 16;
  return BF[0];
}

/** Converts `count` 16-bit values at byte `offset` of `view` into out[at…]. */
export function convert16(
  view: DataView,
  offset: number,
  count: number,
  little: boolean,
  kind: 'f16' | 'bf16',
  out: Float32Array,
  at: number,
): void {
  if (kind === 'f16') for (let i = 0; i < count; i++) out[at + i] = HALF[view.getUint16(offset + i * 2, little)];
  else for (let i = 0; i < count; i++) out[at + i] = bfloat16ToFloat(view.getUint16(offset + i * 2, little));
}
