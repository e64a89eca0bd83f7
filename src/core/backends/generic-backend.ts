import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith } from './failure-patterns.js';

/**
 * Any CLI that takes a prompt as its last argument. It gets only the prompt: a model flag it
 * does not know could break it, so a generic backend names its model inside its own command.
 */
export const genericBackend: Backend = {
  type: 'generic',
  label: 'command',
  programs: [],
  builtIn: false,
  suggestedModels: [],
  install: 'install the program the command runs',
  helpArgs: [],
  defaultCommand: '',
  // The contract of the old `agents:` format: the prompt is the last argument.
  promptInput: 'argument',
  invocation: ({ command, prompt }) => ({ command, args: [prompt], jsonEvents: false }),
  classifyFailure: (log) => classifyWith(COMMON_FAILURES, log),
  checkCommand: () => [],
};
