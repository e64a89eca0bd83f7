import type { Backend, BackendProblem } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';
import { opencodeEvents } from './opencode-events.js';
import { hasOption, optionValue, parseCommand } from './parse-command.js';
import { folderFrom, type IsolatedHome } from './isolated-home.js';
import { join } from 'node:path';

/**
 * opencode follows the XDG folders: its config (opencode.json, AGENTS.md, agents, commands,
 * plugins) under XDG_CONFIG_HOME/opencode, its provider logins (auth.json) and sessions under
 * XDG_DATA_HOME/opencode. It also reads Claude Code's ~/.claude/CLAUDE.md and skills and
 * ~/.agents/skills unless told not to. Its cache (downloaded provider packages) stays shared.
 */
const opencodeIsolation: IsolatedHome = {
  folders: { XDG_CONFIG_HOME: 'config', XDG_DATA_HOME: 'data' },
  switches: { OPENCODE_DISABLE_CLAUDE_CODE: '1', OPENCODE_DISABLE_EXTERNAL_SKILLS: '1' },
  credentials: (env, home) => [
    {
      from: join(
        folderFrom(env, 'XDG_DATA_HOME', join(home, '.local', 'share')),
        'opencode',
        'auth.json',
      ),
      to: 'data/opencode/auth.json',
    },
  ],
  keeps:
    'the provider logins (auth.json); provider keys and OPENCODE_CONFIG from the environment; the shared cache',
  hides:
    "opencode.json, AGENTS.md, agents, commands, plugins and skills of ~/.config/opencode; Claude Code's CLAUDE.md and skills; ~/.agents/skills",
};

/** The ids in `opencode models` output: one `provider/model` per line; log lines are skipped. */
export function parseOpencodeModels(output: string): string[] {
  const ids = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z0-9][\w.-]*\/[\w.:@/-]+$/.test(line));
  return [...new Set(ids)];
}

const OPENCODE_FAILURES: FailurePattern[] = [
  {
    kind: 'model-unavailable',
    pattern: /(ProviderModelNotFoundError|Model not found)/i,
    advice: 'Name the model as provider/model (see `opencode models`), then `dispatch retry`.',
  },
  {
    kind: 'permission',
    pattern: /(permission requested: .*auto-rejecting|rejected permission to use)/i,
    advice:
      'opencode refused a tool nobody could approve: add --auto to the opencode command, then `dispatch retry`.',
  },
  {
    kind: 'auth',
    pattern: /(Incorrect API key|ProviderAuthError|opencode auth login)/i,
    advice: 'Set the provider key (`opencode auth login`), then `dispatch retry`.',
  },
];

/**
 * opencode: `opencode run --model <provider/id>`, the prompt on standard input. `--auto` approves its tools without a
 * person. We add `--format json` (unless the command picks a format) for tool calls in
 * worker.log and each step's tokens and cost, and `--print-logs --log-level ERROR`: opencode
 * retries a failing provider silently for a minute or more, and only its log says why.
 */
export const opencodeBackend: Backend = {
  type: 'opencode',
  label: 'opencode',
  programs: ['opencode'],
  builtIn: false,
  suggestedModels: [],
  // Lists the providers' models it knows, offline too (its built-in catalogue).
  modelListing: { args: ['models'], parse: parseOpencodeModels },
  install: 'npm install -g opencode-ai',
  helpArgs: ['run', '--help'],
  defaultCommand: 'opencode run --auto',
  // `opencode run` reads standard input when it is not a terminal and adds it to the message.
  promptInput: 'stdin',
  invocation: ({ command, modelId, passModel }) => {
    const { args } = parseCommand(command);
    const chosen = optionValue(args, '--format');
    const logs = hasOption(args, '--print-logs') ? [] : ['--print-logs', '--log-level', 'ERROR'];
    return {
      command,
      args: [
        ...(passModel ? ['--model', modelId] : []),
        ...(chosen ? [] : ['--format', 'json']),
        ...logs,
      ],
      jsonEvents: chosen === undefined || chosen === 'json',
    };
  },
  resume: {
    invocation: (input, session) => {
      const fresh = opencodeBackend.invocation(input);
      return { ...fresh, args: [...fresh.args, '--session', session] };
    },
    lost: /Session not found/i,
  },
  isolation: opencodeIsolation,
  classifyFailure: (log) => classifyWith([...OPENCODE_FAILURES, ...COMMON_FAILURES], log),
  events: opencodeEvents,
  reportsCost: 'live',
  checkCommand: ({ args }) => {
    const problems: BackendProblem[] = [];
    if (args[0] !== 'run')
      problems.push({
        message: 'the command does not run `opencode run`: opencode would start its terminal UI',
        fix: 'Use `opencode run --auto`.',
      });
    if (!hasOption(args, '--auto'))
      problems.push({
        message:
          'no --auto: `opencode run` then rejects every permission request, such as writing the task folder outside the working folder',
        fix: 'Add --auto.',
      });
    return problems;
  },
};
