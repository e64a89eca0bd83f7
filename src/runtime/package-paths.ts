import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The package's own files. This module is compiled to dist/runtime/ and also bundled into
 * dist/bundle/; both are two levels below the package root, so the root is found the same way,
 * and every other entry point is named from the root rather than from this file.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGE_BIN = join(PACKAGE_ROOT, 'bin');
/** The `dispatch` command itself, named in worker prompts for `dispatch ask`. */
export const DISPATCH_COMMAND = join(PACKAGE_BIN, 'dispatch');
const DIST = join(PACKAGE_ROOT, 'dist');
export const CLI_ENTRY = join(DIST, 'bin', 'dispatch.js');
export const SUPERVISOR_ENTRY = join(DIST, 'bin', 'supervisor.js');
export const LAUNCHER_ENTRY = join(DIST, 'bin', 'launcher.js');
export const SIM_WORKER_ENTRY = join(DIST, 'bin', 'sim-worker.js');
export const LOG_FILTER_ENTRY = join(DIST, 'bin', 'log-filter.js');
export const RELAY_ENTRY = join(DIST, 'bin', 'relay.js');
export const DASHBOARD_ASSETS = join(DIST, 'ui', 'web', 'assets');
