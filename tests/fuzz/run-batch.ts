/**
 * Runs a batch of fuzz cases through `importFiles` with the Node image decoder, in its own process
 * (so a hang, an out-of-memory or a stack overflow kills only this process, and the suite names the
 * case). Usage: tsx tests/fuzz/run-batch.ts <importer> <from> <count> [master seed]
 * Prints `START <index>` on stderr before each case and one `RESULT <json>` line per case on stdout.
 * Replay one case verbosely: tsx tests/fuzz/run-batch.ts npy 123 1 --verbose
 */
import { decodeImage } from '../../src/cli/decode-node.ts';
import { importFiles } from '../../src/data/import/import.ts';
import { ImportFailed, type ImportFile } from '../../src/data/import/types.ts';
import { DEFAULT_MASTER_SEED, generateCase, IMPORTERS, type FuzzCase, type Importer } from './generate.ts';
import { judgeImport, judgeRefusal, summarize, type Verdict } from './judge.ts';
import { nodeSeeds } from './seeds-node.ts';

export interface CaseResult extends Verdict {
  index: number;
  label: string;
  expect: string;
}

let current: FuzzCase | undefined;

export async function runCase(c: FuzzCase): Promise<Verdict> {
  let readsOverLimit = 0;
  const total = c.files.reduce((s, f) => s + f.bytes.length, 0);
  const files: ImportFile[] = c.files.map((f) => ({
    path: f.path,
    size: f.bytes.length,
    read: async () => {
      if (c.maxBytes !== undefined && total > c.maxBytes) readsOverLimit++;
      return f.bytes.slice();
    },
  }));
  try {
    const ws = await importFiles(files, {
      decodeImage: async (b, file) => decodeImage(b, file),
      imageSize: 16,
      ...(c.maxBytes !== undefined ? { maxBytes: c.maxBytes } : {}),
    });
    if (readsOverLimit) return { outcome: 'read-over-limit', detail: `${readsOverLimit} files read although they exceed maxBytes` };
    return judgeImport(c, summarize(ws));
  } catch (e) {
    if (readsOverLimit) return { outcome: 'read-over-limit', detail: `${readsOverLimit} files read although they exceed maxBytes` };
    if (!(e instanceof ImportFailed)) {
      const err = e as Error;
      return { outcome: 'crash', detail: `${err?.name ?? typeof e}: ${String(err?.message ?? e).slice(0, 300)}` };
    }
    const notInput = e.problems.find((p) => p.name !== 'InputError');
    if (notInput) return { outcome: 'crash', detail: `ImportFailed holds a ${notInput.name}: ${notInput.message.slice(0, 300)}` };
    return judgeRefusal(
      c,
      e.problems.map((p) => p.message),
    );
  }
}

async function main(): Promise<void> {
  const [importer, fromS, countS, ...rest] = process.argv.slice(2);
  if (!IMPORTERS.includes(importer as Importer)) throw new Error(`importer must be one of ${IMPORTERS.join(', ')}`);
  const verbose = rest.includes('--verbose');
  const masterArg = rest.find((x) => /^\d+$/.test(x));
  const master = masterArg ? Number(masterArg) : DEFAULT_MASTER_SEED;
  process.on('unhandledRejection', (e) => {
    process.stdout.write(
      `RESULT ${JSON.stringify({ index: current?.index ?? -1, label: current?.label ?? '', expect: current?.expect ?? '', outcome: 'crash', detail: `unhandled rejection: ${String((e as Error)?.stack ?? e).slice(0, 300)}` })}\n`,
    );
  });
  const seeds = nodeSeeds();
  const from = Number(fromS);
  const count = Number(countS);
  for (let i = from; i < from + count; i++) {
    const c = generateCase(importer as Importer, i, seeds, master);
    current = c;
    process.stderr.write(`START ${i}\n`);
    const v = await runCase(c);
    // Let a stray rejection from this case surface now (unhandledRejection fires after the microtask
    // queue drains), so it is charged to this case and not to the next one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    const r: CaseResult = { index: i, label: c.label, expect: c.expect, ...v };
    process.stdout.write(`RESULT ${JSON.stringify(r)}\n`);
    if (verbose) {
      console.error(JSON.stringify({ files: c.files.map((f) => ({ path: f.path, size: f.bytes.length })), maxBytes: c.maxBytes }, null, 1));
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
