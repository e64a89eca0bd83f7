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

/** The ids in `agent models` output, one per line; its headings and tips are skipped. */
export function parseModelList(output: string): string[] {
  const ids: string[] = [];
  for (const line of output.split('\n')) {
    // Lines look like "gpt-5 - GPT-5" or "  * sonnet-4.5 (default)"; keep the first token.
    const match = /^\s*(?:[*-]\s+)?([A-Za-z0-9][A-Za-z0-9._/-]*)/.exec(line);
    if (match?.[1] && !/^(available|models?|usage|tip)$/i.test(match[1])) ids.push(match[1]);
  }
  return [...new Set(ids)];
}

/**
 * Cursor's CLI agent: `agent -p --force --workspace DIR --model <id> PROMPT`. Its output stays
 * text: its JSON output format could not be checked against the real program here (it cannot
 * be installed from npm), so no usage is read from it.
 */
export const cursorBackend: Backend = {
  type: 'cursor',
  label: 'Cursor Agent',
  programs: ['agent', 'cursor-agent'],
  builtIn: false,
  servesAnyModel: true,
  suggestedModels: ['auto'],
  modelListing: { args: ['models'], parse: parseModelList },
  install: 'curl https://cursor.com/install -fsS | bash (see cursor.com/cli)',
  helpArgs: ['--help'],
  defaultCommand: 'agent -p --force --workspace "$(pwd)"',
  // Its help names no way to read the prompt from standard input or a file.
  promptInput: 'argument',
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
