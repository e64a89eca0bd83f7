import { fileURLToPath } from 'node:url';
import type { Backend } from './backend.js';
import { shellQuote } from './shell-quote.js';

/** The compiled simulated worker, found relative to this file in dist/. */
export function simWorkerPath(): string {
  return fileURLToPath(new URL('../../sim/sim-worker.js', import.meta.url));
}

/** The built-in simulated worker: runs with this very Node.js, needs no install and no model. */
export const simBackend: Backend = {
  type: 'sim',
  label: 'simulated worker',
  programs: [],
  install: 'built in',
  helpArgs: [],
  defaultCommand: 'dispatch-sim',
  invocation: ({ command, prompt }) => ({
    command:
      command === 'dispatch-sim'
        ? `${shellQuote(process.execPath)} ${shellQuote(simWorkerPath())}`
        : command,
    args: [prompt],
    jsonEvents: false,
  }),
  classifyFailure: () => undefined,
  checkCommand: () => [],
};
