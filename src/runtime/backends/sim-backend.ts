import { SIM_WORKER_ENTRY } from '../package-paths.js';
import type { Backend } from './backend.js';
import { shellQuote } from '../../core/text/shell-quote.js';

/** The compiled simulated worker in dist/. */
export function simWorkerPath(): string {
  return SIM_WORKER_ENTRY;
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
