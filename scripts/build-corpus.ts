/**
 * Builds the demo corpus "emoji-styles" into public/data/emoji-styles/ (git-ignored):
 * the same emoji drawn by several openly licensed vendors (Iconify JSON sets), rasterised to
 * 64×64 RGB on white with @resvg/resvg-js, titled and grouped with emojibase-data (CLDR, Unicode).
 * See docs/DATASET.md.
 *
 *   npx tsx scripts/build-corpus.ts            build unless the existing corpus is up to date
 *   npx tsx scripts/build-corpus.ts --force    always rebuild
 *   npx tsx scripts/build-corpus.ts --sheet /tmp/sheet.png [--sheet-identities 1f600,2764]
 *                                              also write a PNG contact sheet (one row per identity)
 *
 * Deterministic: the same package versions and the same script give the same bytes. Skips the
 * work when manifest.json's buildKey matches; writes into a temporary folder and swaps it in, so an
 * interrupted build never leaves a half corpus behind.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, mkdirSync, writeFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareIdentity } from '../src/data/corpus.ts';
import { loadEmojibase, type EmojiInfo } from './corpus/emojibase.ts';
import { loadIconSet, mapIdentities, squareIcon, type IconSet } from './corpus/iconify.ts';
import { contactSheet } from './corpus/png.ts';
import { rasteriseIcon } from './corpus/raster.ts';

const NAME = 'emoji-styles';
const IMAGE_SIZE = 64;
const CHANNELS = 3;
/** Styles used (Iconify prefixes). fxemoji is left out: see docs/DATASET.md. */
const STYLES = ['fluent-emoji-flat', 'noto', 'openmoji', 'twemoji'] as const;
const METADATA_PACKAGE = 'emojibase-data';
const RASTERISER_PACKAGE = '@resvg/resvg-js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const outDir = path.join(repoRoot, 'public', 'data', NAME);
const require = createRequire(import.meta.url);

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  author?: string | { name: string };
}

function packageDir(pkg: string): string {
  return path.dirname(require.resolve(`${pkg}/package.json`));
}
function packageJson(pkg: string): PackageJson {
  return JSON.parse(readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8')) as PackageJson;
}

/** Hash of everything that decides the output bytes: package versions and this script's sources. */
function computeBuildKey(): string {
  const h = createHash('sha256');
  const pkgs = [...STYLES.map((s) => `@iconify-json/${s}`), METADATA_PACKAGE, RASTERISER_PACKAGE];
  for (const p of pkgs) h.update(`${p}@${packageJson(p).version}\n`);
  const resvgBinding = `@resvg/resvg-js-${process.platform}-${process.arch}`;
  for (const suffix of ['', '-gnu', '-musl', '-msvc']) {
    try {
      h.update(`${resvgBinding}${suffix}@${packageJson(resvgBinding + suffix).version}\n`);
    } catch {
      // not installed on this platform
    }
  }
  const sources = [fileURLToPath(import.meta.url)];
  const helpers = path.join(here, 'corpus');
  for (const f of readdirSync(helpers).sort()) if (f.endsWith('.ts')) sources.push(path.join(helpers, f));
  for (const f of sources) h.update(`${path.basename(f)}\n`).update(readFileSync(f));
  return h.digest('hex');
}

function upToDate(buildKey: string): { n: number; hash: string } | null {
  try {
    const m = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as {
      buildKey?: string;
      n?: number;
      hash?: string;
      images?: string;
    };
    if (m.buildKey !== buildKey || typeof m.n !== 'number' || typeof m.hash !== 'string') return null;
    const size = statSync(path.join(outDir, m.images ?? 'images.rgb')).size;
    if (!existsSync(path.join(outDir, 'images.rgb.gz'))) return null;
    return size === m.n * IMAGE_SIZE * IMAGE_SIZE * CHANNELS ? { n: m.n, hash: m.hash } : null;
  } catch {
    return null;
  }
}

function licenceOf(set: IconSet, pkg: PackageJson): string {
  return set.info.license?.spdx ?? pkg.license ?? 'unknown';
}

interface Item {
  style: string;
  identity: string;
  set: IconSet;
  icon: string;
  info: EmojiInfo;
}

function build(buildKey: string) {
  const emoji = loadEmojibase(packageDir(METADATA_PACKAGE));
  const labels = new Map([...emoji].map(([id, e]) => [id, e.label]));

  const items: Item[] = [];
  const sources: Record<string, unknown>[] = [];
  const counts: Record<string, number> = {};
  const byName: Record<string, number> = {};
  for (const style of STYLES) {
    const pkgName = `@iconify-json/${style}`;
    const set = loadIconSet(packageDir(pkgName));
    const pkg = packageJson(pkgName);
    const mapped = mapIdentities(set, labels);
    for (const [identity, m] of mapped) {
      items.push({ style, identity, set, icon: m.name, info: emoji.get(identity) as EmojiInfo });
      if (m.via === 'name') byName[style] = (byName[style] ?? 0) + 1;
    }
    counts[style] = mapped.size;
    sources.push({
      package: pkgName,
      version: pkg.version,
      licence: licenceOf(set, pkg),
      count: mapped.size,
      style,
      title: set.info.name,
      author: set.info.author?.name ?? '',
      url: set.info.author?.url ?? '',
      licenceUrl: set.info.license?.url ?? '',
    });
  }
  const meta = packageJson(METADATA_PACKAGE);
  sources.push({
    package: METADATA_PACKAGE,
    version: meta.version,
    licence: meta.license ?? 'unknown',
    count: items.length,
    role: 'names, keywords, groups',
  });

  items.sort((a, b) => (a.style < b.style ? -1 : a.style > b.style ? 1 : compareIdentity(a.identity, b.identity)));

  const n = items.length;
  const px = IMAGE_SIZE * IMAGE_SIZE * CHANNELS;
  const images = new Uint8Array(n * px);
  const columns: Record<string, string[]> = { id: [], identity: [], title: [], style: [], category: [], subcategory: [] };
  items.forEach((it, i) => {
    try {
      rasteriseIcon(squareIcon(it.set, it.icon), IMAGE_SIZE, images, i * px);
    } catch (e) {
      throw new Error(`${it.style}:${it.identity} (icon "${it.icon}"): ${e instanceof Error ? e.message : String(e)}`);
    }
    columns.id.push(`${it.style}:${it.identity}`);
    columns.identity.push(it.identity);
    columns.title.push(it.info.title);
    columns.style.push(it.style);
    columns.category.push(it.info.category);
    columns.subcategory.push(it.info.subcategory);
  });

  const hash = createHash('sha256').update(images).update(JSON.stringify(columns), 'utf8').digest('hex');
  const manifest = {
    name: NAME,
    version: 1,
    hash,
    n,
    imageSize: IMAGE_SIZE,
    channels: CHANNELS,
    images: 'images.rgb',
    // The same bytes gzipped, for the browser (8 MB instead of 87; DecompressionStream inflates them).
    imagesGzip: 'images.rgb.gz',
    columns,
    sources,
    rasteriser: { package: RASTERISER_PACKAGE, version: packageJson(RASTERISER_PACKAGE).version },
    buildKey,
  };
  return { manifest, images, counts, byName };
}

/** Write into a fresh sibling folder, then swap it in with renames. */
function writeAtomically(files: Record<string, Uint8Array | string>): void {
  const parent = path.dirname(outDir);
  mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.${NAME}.tmp-${process.pid}`);
  const old = path.join(parent, `.${NAME}.old-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, data] of Object.entries(files)) writeFileSync(path.join(tmp, name), data);
  // Another build running at the same time may swap its folder in between our two renames.
  for (let attempt = 0; ; attempt++) {
    try {
      if (existsSync(outDir)) renameSync(outDir, old);
      renameSync(tmp, outDir);
      break;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= 5 || (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOENT')) throw e;
      rmSync(old, { recursive: true, force: true });
    }
  }
  rmSync(old, { recursive: true, force: true });
}

/** Remove the temporary folders of builds that were killed half-way. */
function removeStaleTemporaries(): void {
  const parent = path.dirname(outDir);
  if (!existsSync(parent)) return;
  for (const f of readdirSync(parent)) {
    if (f.startsWith(`.${NAME}.tmp-`) || f.startsWith(`.${NAME}.old-`)) {
      const pid = Number(f.slice(f.lastIndexOf('-') + 1));
      if (!isAlive(pid)) rmSync(path.join(parent, f), { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function parseArgs(argv: string[]) {
  const opts = { force: false, sheet: '', sheetIdentities: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--sheet') opts.sheet = argv[++i] ?? '';
    else if (a === '--sheet-identities') opts.sheetIdentities = argv[++i] ?? '';
    else throw new Error(`unknown argument ${a}`);
  }
  return opts;
}

function writeSheet(file: string, wanted: string): void {
  const m = JSON.parse(readFileSync(path.join(outDir, 'manifest.json'), 'utf8')) as {
    n: number;
    columns: Record<string, string[]>;
  };
  const images = new Uint8Array(readFileSync(path.join(outDir, 'images.rgb')));
  const styles = [...new Set(m.columns.style)];
  const index = new Map(m.columns.id.map((id, i) => [id, i]));
  let ids = wanted ? wanted.split(',') : [];
  if (!ids.length) {
    // every 97th identity shared by all styles: a spread over the categories
    const shared = [...new Set(m.columns.identity)].filter((id) => styles.every((s) => index.has(`${s}:${id}`)));
    ids = shared.filter((_, i) => i % 97 === 0);
  }
  const cells: number[] = [];
  for (const id of ids) for (const s of styles) cells.push(index.get(`${s}:${id}`) ?? -1);
  // a missing cell shows as the first image of no one: use a blank tile
  const blank = m.n;
  const padded = new Uint8Array(images.length + IMAGE_SIZE * IMAGE_SIZE * CHANNELS).fill(255);
  padded.set(images);
  writeFileSync(
    file,
    contactSheet(
      padded,
      IMAGE_SIZE,
      cells.map((c) => (c < 0 ? blank : c)),
      styles.length,
    ),
  );
  console.log(`contact sheet: ${file} (${ids.length} identities × ${styles.join(', ')})`);
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  removeStaleTemporaries();
  const buildKey = computeBuildKey();
  const rel = path.relative(repoRoot, outDir);
  const current = opts.force ? null : upToDate(buildKey);
  if (current) {
    console.log(`corpus ${NAME}: up to date (${current.n} items, hash ${current.hash.slice(0, 12)}) in ${rel}`);
  } else {
    const { manifest, images, counts, byName } = build(buildKey);
    writeAtomically({
      'images.rgb': images,
      'images.rgb.gz': gzipSync(images, { level: 4 }),
      'manifest.json': JSON.stringify(manifest) + '\n',
    });
    const per = Object.entries(counts)
      .map(([s, c]) => `${s} ${c}${byName[s] ? ` (${byName[s]} by name)` : ''}`)
      .join(', ');
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    console.log(`corpus ${NAME}: built ${manifest.n} items (${per}), hash ${manifest.hash.slice(0, 12)}, in ${secs} s → ${rel}`);
  }
  if (opts.sheet) writeSheet(opts.sheet, opts.sheetIdentities);
}

try {
  main();
} catch (e) {
  console.error(`corpus ${NAME}: build failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
