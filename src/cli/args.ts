/** Argument handling shared by the recall-lens commands (node:util parseArgs, no dependency). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line itself (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs in strict mode, its errors reduced to one line. */
export function parse(command: string, argv: string[], options: Options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    // Node's messages carry a second sentence about '--' positionals; keep the first.
    const first = msg
      .split(/(?<=\.)\s+(?=To specify)/)[0]
      .replace(/\s+/g, ' ')
      .trim();
    throw new UsageError(`${command}: ${first} (see recall-lens ${command} --help)`);
  }
}

export function positiveInt(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${command}: --${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function nonNegInt(command: string, flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)) || Number(value) > 0xffffffff) {
    throw new UsageError(`${command}: --${flag} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
