/**
 * A problem with something the user gave us (a file, a flag, a model).
 * The message always names the file and the problem, and where known the row or byte offset,
 * so it can be shown as it is, in the app or as the CLI's one-line error.
 */
export class InputError extends Error {
  readonly file: string;
  readonly problem: string;
  readonly where?: string;

  constructor(file: string, problem: string, where?: string) {
    super(`${file}${where ? ` (${where})` : ''}: ${problem}`);
    this.name = 'InputError';
    this.file = file;
    this.problem = problem;
    this.where = where;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof Error && e.name === 'InputError';
}
