import { LOG_FILTER_ENTRY } from '../package-paths.js';
import { backendFor } from '../backends/backend-registry.js';
import { BACKEND_TYPES, type BackendType } from '../../core/config/config-constants.js';
import { shellQuote } from '../../core/text/shell-quote.js';

/** The compiled log filter in dist/. */
export function logFilterPath(): string {
  return LOG_FILTER_ENTRY;
}

/**
 * The shell text that starts the log filter for a backend's JSON events, run with this very
 * Node.js; undefined for a backend without a renderer. Every word is chosen by the program.
 */
export function logFilterCommand(backendType: string, attempt: number): string | undefined {
  if (!BACKEND_TYPES.includes(backendType as BackendType)) return undefined;
  if (!backendFor(backendType as BackendType).events) return undefined;
  return [process.execPath, logFilterPath(), backendType, String(attempt)]
    .map(shellQuote)
    .join(' ');
}
