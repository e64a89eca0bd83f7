import { join } from 'node:path';
import { writeFileExclusive } from '../fs/atomic-write.js';

/**
 * True the first time it is asked for this `.dispatch/` root and name, false ever after: a
 * private marker file (`.dispatch/.said-<name>`, 0600, created exclusively, so two commands at
 * once say it once). For notices worth saying once per project, not on every run.
 */
export function firstTimeInRoot(root: string, name: string): boolean {
  return writeFileExclusive(join(root, `.said-${name}`), `${new Date().toISOString()}\n`, {
    mode: 0o600,
  });
}
