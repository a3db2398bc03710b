/**
 * Iconify JSON icon sets (@iconify-json/*): map icons to emoji identities and turn them into SVG.
 * See https://iconify.design/docs/types/iconify-json.html for the format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface IconProps {
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  rotate?: number;
  hFlip?: boolean;
  vFlip?: boolean;
}
interface IconifyIcon extends IconProps {
  body: string;
}
interface IconifyAlias extends IconProps {
  parent: string;
}
export interface IconifyJSON extends IconProps {
  prefix: string;
  icons: Record<string, IconifyIcon>;
  aliases?: Record<string, IconifyAlias>;
}
export interface IconifyInfo {
  name: string;
  author?: { name: string; url?: string };
  license?: { title: string; spdx?: string; url?: string };
}

export interface IconSet {
  prefix: string;
  dir: string;
  json: IconifyJSON;
  info: IconifyInfo;
  /** chars.json: code point sequence (lower-case hex, '-'-joined) → icon name. */
  chars: Record<string, string>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function loadIconSet(dir: string): IconSet {
  const json = readJson<IconifyJSON>(path.join(dir, 'icons.json'));
  const info = readJson<IconifyInfo>(path.join(dir, 'info.json'));
  let chars: Record<string, string> = {};
  try {
    chars = readJson<Record<string, string>>(path.join(dir, 'chars.json'));
  } catch {
    // some sets (fxemoji) have no code point map
  }
  return { prefix: json.prefix, dir, json, info, chars };
}

/**
 * The identity of an emoji: lower-case hex code points (at least 4 digits, as Unicode writes them)
 * joined by '-', without U+FE0F variation selectors, so that "0023-FE0F-20E3" and "23-20e3" match.
 */
export function normaliseHex(hex: string): string {
  return hex
    .toLowerCase()
    .split(/[-_ ]/)
    .filter((p) => p !== '' && p !== 'fe0f')
    .map((p) => p.replace(/^0+(?=.)/, '').padStart(4, '0'))
    .join('-');
}

/** CLDR label → Iconify-style slug ("flag: Côte d’Ivoire" → "flag-cote-d-ivoire"). */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function hasIcon(set: IconSet, name: string): boolean {
  return name in set.json.icons || (set.json.aliases !== undefined && name in set.json.aliases);
}

export interface MappedIcon {
  name: string;
  via: 'chars' | 'name';
}

/**
 * identity → icon name for the identities in `wanted` (identity → CLDR label).
 * First the set's own chars.json (code point → name); then, for identities it lacks, an icon or
 * alias whose name is the slug of the CLDR label and that chars.json gives to no other code point
 * (Fluent's mirrored "backhand index pointing right" is only an alias, not in chars.json).
 */
export function mapIdentities(set: IconSet, wanted: Map<string, string>): Map<string, MappedIcon> {
  const out = new Map<string, MappedIcon>();
  for (const hex of Object.keys(set.chars).sort()) {
    const id = normaliseHex(hex);
    const name = set.chars[hex];
    if (!wanted.has(id) || !hasIcon(set, name)) continue;
    const prev = out.get(id);
    if (prev === undefined || name < prev.name) out.set(id, { name, via: 'chars' });
  }
  const claimed = new Set(Object.values(set.chars));
  for (const [id, label] of wanted) {
    if (out.has(id)) continue;
    const slug = slugify(label);
    if (slug !== '' && !claimed.has(slug) && hasIcon(set, slug)) out.set(id, { name: slug, via: 'name' });
  }
  return out;
}

interface Resolved {
  body: string;
  left: number;
  top: number;
  width: number;
  height: number;
  rotate: number;
  hFlip: boolean;
  vFlip: boolean;
}

/** Follow aliases to the icon body, merging transformations the way Iconify does. */
export function resolveIcon(set: IconSet, name: string): Resolved {
  const j = set.json;
  let rotate = 0;
  let hFlip = false;
  let vFlip = false;
  const size: IconProps = {};
  let cur = name;
  for (let depth = 0; depth < 8; depth++) {
    const node: IconProps | undefined = j.icons[cur] ?? j.aliases?.[cur];
    if (!node) throw new Error(`${set.prefix}: icon "${cur}" (from "${name}") not found`);
    rotate += node.rotate ?? 0;
    if (node.hFlip) hFlip = !hFlip;
    if (node.vFlip) vFlip = !vFlip;
    for (const k of ['left', 'top', 'width', 'height'] as const) {
      if (size[k] === undefined && node[k] !== undefined) size[k] = node[k];
    }
    const icon = j.icons[cur];
    if (icon) {
      return {
        body: icon.body,
        left: size.left ?? j.left ?? 0,
        top: size.top ?? j.top ?? 0,
        width: size.width ?? j.width ?? 16,
        height: size.height ?? j.height ?? 16,
        rotate: ((rotate % 4) + 4) % 4,
        hFlip,
        vFlip,
      };
    }
    cur = (j.aliases as Record<string, IconifyAlias>)[cur].parent;
  }
  throw new Error(`${set.prefix}: alias chain too long at "${name}"`);
}

/** The icon centred in a square view box: x, y, side in the icon's units, plus the SVG content. */
export interface SquareIcon {
  x: number;
  y: number;
  side: number;
  content: string;
}

/**
 * The icon in a square view box (non-square icons are padded, never stretched), with flips and
 * rotations applied about the icon's centre.
 */
export function squareIcon(set: IconSet, name: string): SquareIcon {
  const r = resolveIcon(set, name);
  const cx = r.left + r.width / 2;
  const cy = r.top + r.height / 2;
  const side = Math.max(r.width, r.height);
  const transforms: string[] = [];
  if (r.rotate) transforms.push(`rotate(${r.rotate * 90} ${cx} ${cy})`);
  if (r.hFlip || r.vFlip) {
    transforms.push(`translate(${r.hFlip ? 2 * cx : 0} ${r.vFlip ? 2 * cy : 0}) scale(${r.hFlip ? -1 : 1} ${r.vFlip ? -1 : 1})`);
  }
  const content = transforms.length ? `<g transform="${transforms.join(' ')}">${r.body}</g>` : r.body;
  return { x: cx - side / 2, y: cy - side / 2, side, content };
}

/** A standalone SVG document of `width` × `height` pixels showing the given view box. */
export function svgDocument(content: string, viewBox: [number, number, number, number], width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}" height="${height}" viewBox="${viewBox.join(' ')}">${content}</svg>`
  );
}
