/**
 * Turning what the browser hands us (a FileList from a picker, a drop with folders) into import
 * sources with paths relative to what was picked.
 */
import type { ImportSource } from '../workers/import/import.worker.ts';

/** Files from `<input type=file>` (with `webkitdirectory`, paths keep the picked folder's name). */
export function sourcesFromFileList(files: FileList | File[]): ImportSource[] {
  return Array.from(files).map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

/** Files of a drop, walking into dropped folders. */
export async function sourcesFromDrop(dt: DataTransfer): Promise<ImportSource[]> {
  const entries = Array.from(dt.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length === 0) return sourcesFromFileList(dt.files);
  const out: ImportSource[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: ImportSource[]): Promise<void> {
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path, file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in batches (100 at a time in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

/** A name for the workspace: the picked folder, or the first file. */
export function workspaceName(sources: ImportSource[]): string {
  const first = sources[0]?.path ?? 'import';
  return first.includes('/') ? first.split('/')[0] : first.replace(/\.[^.]*$/, '');
}
