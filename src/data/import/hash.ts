/** A stable hash of the imported data: sha256 over each file's path and sha256, in path order. */
import { sha256Hex } from '../../encoders/session-check.ts';

const enc = new TextEncoder();

export async function digestHex(bytes: Uint8Array): Promise<string> {
  return (await sha256Hex(bytes)) ?? fnv64Hex(bytes);
}

/** Hash of `[path, sha256(bytes)]` pairs, sorted by path. */
export async function workspaceHash(files: { path: string; digest: string }[]): Promise<string> {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const text = sorted.map((f) => `${f.path}\0${f.digest}\n`).join('');
  return digestHex(enc.encode(text));
}

/** Fallback where Web Crypto is missing (insecure context): two FNV-1a 32-bit lanes. */
function fnv64Hex(b: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ b.length;
  for (let i = 0; i < b.length; i++) {
    h1 = Math.imul(h1 ^ b[i], 0x01000193);
    h2 = Math.imul(h2 ^ b[i], 0x85ebca6b) ^ (h2 >>> 13);
  }
  return `fnv-${(h1 >>> 0).toString(16).padStart(8, '0')}${(h2 >>> 0).toString(16).padStart(8, '0')}`;
}
