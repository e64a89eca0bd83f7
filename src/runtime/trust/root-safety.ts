import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import { lstatQuietly, symlinkRefused } from '../fs/no-follow.js';
import { unsafeFolderReason } from './folder-safety.js';

/**
 * Refuses a `.dispatch/` root (or its tasks folder) that another user owns or could write to,
 * for every command, as git refuses a repository owned by someone else: whoever can write there
 * can plant tasks or swap files. What the program creates itself (0700, the user's) passes.
 */
export function assertSafeRoot(root: string): void {
  for (const folder of [root, join(root, 'tasks')]) {
    const reason = unsafeFolderReason(folder);
    if (!reason) continue;
    // A link is refused in the words every other link inside .dispatch/ gets.
    if (lstatQuietly(folder)?.isSymbolicLink()) throw symlinkRefused(folder);
    throw new DispatchError('untrusted', `refusing ${folder}: ${reason}`, {
      hint: `If it is yours, make it private: chown -R $(id -un) ${root} && chmod -R go-w ${root}. If it is not, do not use it: work in another folder, or set DISPATCH_ROOT to a .dispatch folder of your own.`,
    });
  }
}
