import { LOG_FILTER_ENTRY } from '../package-paths.js';
import { backendOfTask } from '../../core/backends/backend-registry.js';
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
  if (!backendOfTask(backendType).events) return undefined;
  return [process.execPath, logFilterPath(), backendType, String(attempt)]
    .map(shellQuote)
    .join(' ');
}
