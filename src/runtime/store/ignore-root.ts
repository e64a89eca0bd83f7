import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusive } from '../fs/atomic-write.js';

/**
 * `.dispatch/` ignores itself: plans, prompts, logs and answers never show in the user's
 * `git status`, and a worker's `git add -A` never commits them. An ignore file that is already
 * there is the user's and stays as it is.
 */
export function ignoreRoot(root: string): void {
  const file = join(root, '.gitignore');
  if (!existsSync(file)) writeFileExclusive(file, '*\n', { mode: 0o600 });
}
