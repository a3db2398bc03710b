/** Emoji identities, names, keywords, groups and subgroups from emojibase-data (CLDR, Unicode). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { normaliseHex } from './iconify.ts';

interface EmojibaseEntry {
  label: string;
  hexcode: string;
  tags?: string[];
  group?: number;
  subgroup?: number;
  order?: number;
  skins?: unknown[];
}
interface Messages {
  groups: { key: string; message: string; order: number }[];
  subgroups: { key: string; message: string; order: number }[];
}

export interface EmojiInfo {
  identity: string;
  /** CLDR short name, e.g. "grinning face". */
  label: string;
  /** CLDR name and keywords: "grinning face — cheerful, cheery, face, …". */
  title: string;
  /** Unicode group, as emojibase's English message: "smileys & emotion". */
  category: string;
  /** Unicode subgroup name: "face-smiling". */
  subcategory: string;
}

export const COMPONENT_GROUP_KEY = 'component';

/**
 * Every fully qualified emoji with a group, in its default skin tone (emojibase lists skin tone
 * variants under `skins`, which we skip), minus the "component" group (skin tone swatches, hair
 * styles). Regional indicator letters have no group and are skipped too.
 */
export function loadEmojibase(dir: string): Map<string, EmojiInfo> {
  const data = JSON.parse(readFileSync(path.join(dir, 'en', 'data.json'), 'utf8')) as EmojibaseEntry[];
  const messages = JSON.parse(readFileSync(path.join(dir, 'en', 'messages.json'), 'utf8')) as Messages;
  const groups = new Map(messages.groups.map((g) => [g.order, g]));
  const subgroups = new Map(messages.subgroups.map((g) => [g.order, g]));
  const out = new Map<string, EmojiInfo>();
  for (const e of data) {
    if (e.group === undefined || e.subgroup === undefined) continue;
    const group = groups.get(e.group);
    const subgroup = subgroups.get(e.subgroup);
    if (!group || !subgroup) throw new Error(`emojibase: unknown group/subgroup for ${e.hexcode}`);
    if (group.key === COMPONENT_GROUP_KEY) continue;
    const identity = normaliseHex(e.hexcode);
    if (out.has(identity)) throw new Error(`emojibase: two entries normalise to ${identity}`);
    const keywords = (e.tags ?? []).filter((t) => t !== e.label);
    out.set(identity, {
      identity,
      label: e.label,
      title: keywords.length ? `${e.label} — ${keywords.join(', ')}` : e.label,
      category: group.message,
      subcategory: subgroup.key,
    });
  }
  return out;
}
