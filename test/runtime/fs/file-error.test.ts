import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../src/core/errors.js';
import { fileSystemError } from '../../../src/runtime/fs/file-error.js';

function errno(code: string, syscall = 'write', path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, path });
}

describe('fileSystemError', () => {
  it.each([
    ['ENOSPC', 'no space left on device'],
    ['EDQUOT', 'disk quota exceeded'],
    ['EROFS', 'read-only file system'],
    ['EIO', 'input/output error'],
    ['EMFILE', 'too many open files'],
    ['ENFILE', 'too many open files in the system'],
  ])('%s becomes one line naming the file and the cause', (code, cause) => {
    const error = fileSystemError(errno(code), '/p/.dispatch/tasks/a/plan.md');
    expect(error).toBeInstanceOf(DispatchError);
    expect((error as DispatchError).code).toBe('io');
    expect((error as DispatchError).message).toBe(
      `cannot write /p/.dispatch/tasks/a/plan.md: ${cause} (${code})`,
    );
    expect((error as DispatchError).message).not.toContain('\n');
  });

  it('names the path the system reported when the caller gives none', () => {
    const error = fileSystemError(errno('ENOSPC', 'mkdir', '/p/.dispatch/tasks/.staging-1'));
    expect((error as DispatchError).message).toBe(
      'cannot write /p/.dispatch/tasks/.staging-1: no space left on device (ENOSPC)',
    );
  });

  it('leaves every other error as it is', () => {
    const missing = errno('ENOENT', 'open', '/nowhere');
    expect(fileSystemError(missing, '/nowhere')).toBe(missing);
    const bug = new TypeError('not a file system problem');
    expect(fileSystemError(bug)).toBe(bug);
  });
});
