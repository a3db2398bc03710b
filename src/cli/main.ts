/**
 * recall-lens command line: dispatches to the commands (loaded lazily so startup stays light) and
 * turns every failure into one line on stderr and an exit code:
 *   0 ok · 1 bad input (a file, a model) · 2 bad command line · 3 internal error.
 */
import { isInputError } from '../data/errors.ts';

export interface Io {
  stdout(s: string): void;
  stderr(s: string): void;
  stderrIsTTY: boolean;
}

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

const HELP = `Usage: recall-lens <command> [options]

Commands
  eval    score embedding variants: KNN facet consistency and identity Recall@N
  embed   encode the demo corpus or a folder of images with an ONNX model card
  export  write a TF Projector bundle, .npy per variant and the whitening parameters
  import  check files/folders (manifest, images, embeddings, projector bundle, encoders) and report

Run recall-lens <command> --help for the options of a command.
Set RECALL_LENS_DEBUG=1 to print stack traces.
`;

export function processIo(): Io {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const debug = Boolean(process.env.RECALL_LENS_DEBUG && process.env.RECALL_LENS_DEBUG !== '0');
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'eval': {
        const { runEval } = await import('./eval.ts');
        return await runEval(rest, io);
      }
      case 'import': {
        const { runImport } = await import('./import.ts');
        return await runImport(rest, io);
      }
      case 'embed': {
        const { runEmbed } = await import('./embed.ts');
        return await runEmbed(rest, io);
      }
      case 'export': {
        const { runExport } = await import('./export.ts');
        return await runExport(rest, io);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        if (cmd === undefined) {
          io.stderr(HELP);
          return EXIT_USAGE;
        }
        io.stdout(HELP);
        return EXIT_OK;
      default:
        io.stderr(`recall-lens: unknown command ${JSON.stringify(cmd)} (expected eval, embed, export or import; see recall-lens --help)\n`);
        return EXIT_USAGE;
    }
  } catch (e) {
    if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    if (e instanceof Error && e.name === 'UsageError') {
      io.stderr(`recall-lens ${oneLine(e.message)}\n`);
      return EXIT_USAGE;
    }
    if (e instanceof Error && e.name === 'ImportFailed' && Array.isArray((e as { problems?: unknown }).problems)) {
      // Every problem an import found, one line each.
      for (const p of (e as unknown as { problems: Error[] }).problems) io.stderr(`recall-lens: ${oneLine(p.message)}\n`);
      return EXIT_INPUT;
    }
    if (isInputError(e)) {
      io.stderr(`recall-lens: ${oneLine(e.message)}\n`);
      return EXIT_INPUT;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.stderr(`recall-lens: internal error: ${oneLine(msg)}${debug ? '' : ' (rerun with RECALL_LENS_DEBUG=1 for the stack trace)'}\n`);
    return EXIT_INTERNAL;
  }
}

/** Collapses whitespace (line breaks from file contents or library messages) and caps the length. */
export function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > 600 ? `${t.slice(0, 597)}...` : t;
}
