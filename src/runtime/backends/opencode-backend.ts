import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith } from './failure-patterns.js';

/** opencode: `opencode run --model <provider/id> PROMPT`. */
export const opencodeBackend: Backend = {
  type: 'opencode',
  label: 'opencode',
  programs: ['opencode'],
  defaultCommand: 'opencode run',
  invocation: ({ command, modelId, passModel, prompt }) => ({
    command,
    args: passModel ? ['--model', modelId, prompt] : [prompt],
  }),
  classifyFailure: (log) => classifyWith(COMMON_FAILURES, log),
};
