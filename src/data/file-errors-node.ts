/** File-system failures (Node) as InputErrors naming the file and what went wrong. */
import { InputError } from './errors.ts';

export function fsError(e: unknown, path: string, what: string): Error {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError(path, `${what} not found`);
    case 'EACCES':
    case 'EPERM':
      return new InputError(path, `permission denied reading the ${what}`);
    case 'EISDIR':
      return new InputError(path, `is a directory, expected a ${what}`);
    case 'ENOTDIR':
      return new InputError(path, `a part of the path is not a directory`);
    default:
      return new InputError(path, `cannot read the ${what}: ${(e as Error)?.message ?? String(e)}`);
  }
}
