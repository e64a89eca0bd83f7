import type { Backend } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';

const CURSOR_FAILURES: FailurePattern[] = [
  {
    kind: 'auth',
    pattern: /(not authenticated|cursor-agent login|agent login|CURSOR_API_KEY)/i,
    advice: 'Run `agent login` (or set CURSOR_API_KEY), then `dispatch retry`.',
  },
];

/** Cursor's CLI agent: `agent -p --force --workspace DIR --model <id> PROMPT`. */
export const cursorBackend: Backend = {
  type: 'cursor',
  label: 'Cursor Agent',
  programs: ['agent', 'cursor-agent'],
  defaultCommand: 'agent -p --force --workspace "$(pwd)"',
  invocation: ({ command, modelId, passModel, prompt }) => ({
    command,
    args: passModel ? ['--model', modelId, prompt] : [prompt],
  }),
  classifyFailure: (log) => classifyWith([...CURSOR_FAILURES, ...COMMON_FAILURES], log),
};
