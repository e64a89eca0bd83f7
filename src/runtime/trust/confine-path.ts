import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { DispatchError } from '../../core/errors.js';

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * `requested` resolved against `base`, refused when it leads outside `base` (by `..`, an
 * absolute path, or a symlink): a server that serves one project must not let a client's
 * arguments reach another.
 */
export function confinedFolder(base: string, requested: string): string {
  const target = resolve(base, requested);
  const rel = relative(real(resolve(base)), real(target));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return target;
  throw new DispatchError(
    'usage',
    `${requested} is outside the folder this server serves (${base})`,
    {
      hint: 'Give a folder inside the project, relative to it; for another project, start a server there (dispatch mcp --cwd DIR).',
    },
  );
}
