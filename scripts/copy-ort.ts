/**
 * Copy the onnxruntime-web runtime files the app needs (src/encoders/ort-files.ts) from
 * node_modules/onnxruntime-web/dist to public/ort/ (git-ignored), so the app serves them itself.
 * Skips files that are already identical in size and not older. Run: `tsx scripts/copy-ort.ts`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ORT_PUBLIC_DIR, ortRuntimeFiles } from '../src/encoders/ort-files.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = path.join(root, 'node_modules', 'onnxruntime-web');
const srcDir = path.join(pkgDir, 'dist');
const dstDir = path.join(root, ORT_PUBLIC_DIR);

function main(): void {
  if (!existsSync(srcDir)) {
    console.error(`copy-ort: ${srcDir} not found; run npm install first`);
    process.exit(1);
  }
  const version = (JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  mkdirSync(dstDir, { recursive: true });
  let copied = 0;
  for (const name of ortRuntimeFiles()) {
    const src = path.join(srcDir, name);
    const dst = path.join(dstDir, name);
    if (!existsSync(src)) {
      console.error(`copy-ort: ${src} not found (onnxruntime-web ${version} does not ship it)`);
      process.exit(1);
    }
    const a = statSync(src);
    if (existsSync(dst)) {
      const b = statSync(dst);
      if (b.size === a.size && b.mtimeMs >= a.mtimeMs) continue;
    }
    copyFileSync(src, dst);
    copied++;
  }
  console.log(`copy-ort: onnxruntime-web ${version}: ${copied} of ${ortRuntimeFiles().length} files copied to ${ORT_PUBLIC_DIR}/`);
}

main();
