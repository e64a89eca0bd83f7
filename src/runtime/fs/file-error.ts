import { DispatchError } from '../../core/errors.js';

/** What the system said, in the words of its own error table. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** Whether an error is the file system refusing (as opposed to a bug or a missing file). */
export function isFileSystemRefusal(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code in CAUSES;
}

/**
 * Turns a refusal of the file system into one line that names the file and the cause
 * ("cannot write …/plan.md: no space left on device"); any other error is returned as it is.
 */
export function fileSystemError(error: unknown, path?: string, verb = 'write'): unknown {
  if (!isFileSystemRefusal(error)) return error;
  const code = error.code as string;
  const file = path ?? error.path;
  return new DispatchError(
    'io',
    `${file ? `cannot ${verb} ${file}` : `cannot ${error.syscall ?? 'use a file'}`}: ${CAUSES[code]} (${code})`,
    {
      cause: error,
      hint:
        code === 'ENOSPC' || code === 'EDQUOT'
          ? 'Free some space and run the command again; nothing was half-written.'
          : code === 'EMFILE' || code === 'ENFILE'
            ? 'Close some programs (or raise ulimit -n) and run the command again.'
            : 'Nothing was half-written; fix the file system and run the command again.',
    },
  );
}
