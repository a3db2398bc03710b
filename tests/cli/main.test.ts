/** In-process checks of the error contract of main(): internal errors are one line plus a hint. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, oneLine, type Io } from '../../src/cli/main.ts';

vi.mock('../../src/compute/evaluate.ts', () => ({
  evaluationOptions: (s: object) => s,
  evaluateVariant: () => {
    throw new TypeError('boom\n  in the kernel');
  },
}));

const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/cli');

function capture(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stderrIsTTY: false,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

describe('main', () => {
  afterEach(() => {
    delete process.env.RECALL_LENS_DEBUG;
  });

  it('an unexpected error is one line with the debug hint, exit 3', async () => {
    const io = capture();
    const code = await main(['eval', path.join(FIX, 'six.tsv'), '--metadata', path.join(FIX, 'six-meta.tsv'), '--k', '2'], io);
    expect(code).toBe(3);
    expect(io.out).toBe('');
    expect(io.err).toBe('recall-lens: internal error: boom in the kernel (rerun with RECALL_LENS_DEBUG=1 for the stack trace)\n');
  });

  it('RECALL_LENS_DEBUG=1 prints the stack trace', async () => {
    process.env.RECALL_LENS_DEBUG = '1';
    const io = capture();
    const code = await main(['eval', path.join(FIX, 'six.tsv'), '--metadata', path.join(FIX, 'six-meta.tsv'), '--k', '2'], io);
    expect(code).toBe(3);
    expect(io.err).toMatch(/TypeError: boom\n {2}in the kernel\n\s+at /);
  });

  it('no command: help on stderr, exit 2', async () => {
    const io = capture();
    expect(await main([], io)).toBe(2);
    expect(io.err).toMatch(/^Usage: recall-lens <command>/);
  });

  it('oneLine collapses whitespace and caps the length', () => {
    expect(oneLine(' a\n\tb  c ')).toBe('a b c');
    expect(oneLine('x'.repeat(1000))).toHaveLength(600);
  });
});
