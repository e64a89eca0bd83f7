import type { Backend, BackendProblem } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';
import { hasOption } from './parse-command.js';

const CURSOR_FAILURES: FailurePattern[] = [
  {
    kind: 'auth',
    pattern: /(not authenticated|cursor-agent login|agent login|CURSOR_API_KEY)/i,
    advice: 'Run `agent login` (or set CURSOR_API_KEY), then `dispatch retry`.',
  },
];

/**
 * Cursor's CLI agent: `agent -p --force --workspace DIR --model <id> PROMPT`. Its output stays
 * text: its JSON output format could not be checked against the real program here (it cannot
 * be installed from npm), so no usage is read from it.
 */
export const cursorBackend: Backend = {
  type: 'cursor',
  label: 'Cursor Agent',
  programs: ['agent', 'cursor-agent'],
  install: 'curl https://cursor.com/install -fsS | bash (see cursor.com/cli)',
  helpArgs: ['--help'],
  defaultCommand: 'agent -p --force --workspace "$(pwd)"',
  invocation: ({ command, modelId, passModel, prompt }) => ({
    command,
    args: passModel ? ['--model', modelId, prompt] : [prompt],
    jsonEvents: false,
  }),
  classifyFailure: (log) => classifyWith([...CURSOR_FAILURES, ...COMMON_FAILURES], log),
  checkCommand: ({ args }) => {
    const problems: BackendProblem[] = [];
    if (!hasOption(args, '-p', '--print'))
      problems.push({
        message: 'the command has no -p (--print): the agent would start an interactive session',
        fix: 'Add -p: `agent -p --force --workspace "$(pwd)"`.',
      });
    if (!hasOption(args, '--force', '-f'))
      problems.push({
        message: 'no --force: in print mode the agent then does not run commands or write files',
        fix: 'Add --force.',
      });
    return problems;
  },
};
