import { fileURLToPath } from 'node:url';

/** The package's own folders, found relative to this compiled file (dist/runtime/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGE_BIN = fileURLToPath(new URL('../../bin/', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../cli/main.js', import.meta.url));
export const SUPERVISOR_ENTRY = fileURLToPath(
  new URL('./supervisor/supervisor-main.js', import.meta.url),
);
