import type { Backend } from './backend.js';
import { claudeEvents } from './claude-events.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';
import { hasOption, optionValue, parseCommand } from './parse-command.js';
import { folderFrom, type IsolatedHome } from './isolated-home.js';
import { join } from 'node:path';

const ROOT_ADVICE =
  'Claude Code refuses --dangerously-skip-permissions as root. Run dispatch as a normal user, or, if this machine is a sandbox, put IS_SANDBOX=1 in the backend command (e.g. `env IS_SANDBOX=1 claude -p …`); dispatch never sets it for you.';

/**
 * Claude Code's own rule (its bundle, 2.1.x): in bypass-permissions mode it exits at once when
 * the user id is 0, unless IS_SANDBOX=1 or CLAUDE_CODE_BUBBLEWRAP is set.
 */
function refusesRoot(args: readonly string[], isRoot: boolean, env: NodeJS.ProcessEnv): boolean {
  const bypass =
    hasOption(args, '--dangerously-skip-permissions') ||
    optionValue(args, '--permission-mode') === 'bypassPermissions';
  return isRoot && bypass && env.IS_SANDBOX !== '1' && !env.CLAUDE_CODE_BUBBLEWRAP;
}

const ROOT_REFUSAL =
  'running as root: Claude Code refuses --dangerously-skip-permissions unless IS_SANDBOX=1 is set';

const CLAUDE_FAILURES: FailurePattern[] = [
  {
    // Reported of parallel `claude -p` runs that die with exit 143 and no other output; the
    // installed 2.1.x words its own daemon start failures as "… did not become reachable
    // within Ns" and "… exited before it became reachable" (docs/backends.md).
    kind: 'daemon-busy',
    pattern:
      /(daemon may be busy or unresponsive|(daemon|background service) (did not become|exited before it became) reachable)/i,
    advice:
      "Claude Code's daemon did not answer, which happens under many parallel `claude -p` runs: dispatch retries such a failure once; lower the backend's max_parallel, then `dispatch retry`.",
    transient: true,
  },
  {
    kind: 'permission',
    pattern: /--dangerously-skip-permissions cannot be used with root/i,
    advice: ROOT_ADVICE,
  },
  {
    kind: 'auth',
    pattern: /(Invalid API key|Please run \/login|OAuth token has expired|Not logged in)/i,
    advice: 'Run `claude` once and log in (or set ANTHROPIC_API_KEY), then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern: /(usage limit reached|credit balance is too low|Request rejected \(429\))/i,
    advice:
      'Claude usage or rate limit reached: wait, or `dispatch retry ID --model OTHER` with a model of another backend.',
  },
];

/**
 * Claude Code keeps everything in CLAUDE_CONFIG_DIR (default ~/.claude, with its state file
 * ~/.claude.json beside it; inside the folder when the variable is set). A login lives in
 * .credentials.json (Linux) and the account and a /login managed key in the state file, whose
 * user-level MCP servers and project settings stay behind. ANTHROPIC_API_KEY and
 * CLAUDE_CODE_OAUTH_TOKEN in the environment pass through.
 */
const claudeIsolation: IsolatedHome = {
  folders: { CLAUDE_CONFIG_DIR: '.' },
  credentials: (env, home) => {
    const dir = folderFrom(env, 'CLAUDE_CONFIG_DIR', join(home, '.claude'));
    // The state file sits in the folder only when the variable moved it.
    const moved = dir !== join(home, '.claude');
    return [
      { from: join(dir, '.credentials.json'), to: '.credentials.json' },
      {
        from: join(moved ? dir : home, '.claude.json'),
        to: '.claude.json',
        keys: [
          'oauthAccount',
          'userID',
          'primaryApiKey',
          'customApiKeyResponses',
          'hasCompletedOnboarding',
        ],
      },
    ];
  },
  keeps:
    'the login (.credentials.json), the account and managed key of .claude.json; ANTHROPIC_API_KEY and CLAUDE_CODE_OAUTH_TOKEN from the environment',
  hides:
    'CLAUDE.md, settings.json (hooks, permissions, env), skills, commands, agents, plugins, output styles, and the MCP servers and project settings in .claude.json',
};

/**
 * Claude Code: `claude -p`, the prompt on standard input. We add `--output-format stream-json --verbose` (unless the
 * command picks an output format) so tool calls show in worker.log as they happen and the final
 * usage and cost are recorded, and `--model <id>` (the original dispatcher did not pass it, so
 * opus and sonnet ran the same worker).
 */
export const claudeBackend: Backend = {
  type: 'claude',
  label: 'Claude Code',
  programs: ['claude'],
  builtIn: false,
  modelPattern: /opus|sonnet|haiku|claude/,
  suggestedModels: ['opus', 'sonnet', 'haiku'],
  install: 'npm install -g @anthropic-ai/claude-code',
  helpArgs: ['--help'],
  defaultCommand:
    'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
  // The original dispatcher saw `claude -p` runs die ("daemon may be busy or unresponsive") at
  // 4 in parallel; an explicit max_parallel on the backend overrides this.
  defaultMaxParallel: 3,
  // `claude -p` without a prompt argument reads the prompt from standard input.
  promptInput: 'stdin',
  invocation: ({ command, modelId, passModel }) => {
    const chosen = optionValue(parseCommand(command).args, '--output-format');
    const output = chosen ? [] : ['--output-format', 'stream-json', '--verbose'];
    return {
      command,
      args: [...(passModel ? ['--model', modelId] : []), ...output],
      jsonEvents: chosen === undefined || chosen === 'stream-json' || chosen === 'json',
    };
  },
  resume: {
    invocation: (input, session) => {
      const fresh = claudeBackend.invocation(input);
      return { ...fresh, args: ['--resume', session, ...fresh.args] };
    },
    lost: /No conversation found with session ID/i,
  },
  isolation: claudeIsolation,
  // `claude auth status` answers with JSON, offline, taking ANTHROPIC_API_KEY, an apiKeyHelper
  // and a /login into account. Bedrock, Vertex and other providers are not judged here.
  loginCheck: {
    args: ['auth', 'status'],
    judge: (stdout) => {
      let status: { loggedIn?: unknown; apiProvider?: unknown };
      try {
        status = JSON.parse(stdout) as typeof status;
      } catch {
        return undefined;
      }
      if (status.loggedIn !== false) return undefined;
      if (status.apiProvider !== undefined && status.apiProvider !== 'firstParty') return undefined;
      return {
        message: 'Claude Code is not logged in (`claude auth status` says loggedIn: false)',
        fix: 'Run `claude` once and log in, or set ANTHROPIC_API_KEY for dispatch (or in the backend command).',
      };
    },
  },
  classifyFailure: (log) => classifyWith([...CLAUDE_FAILURES, ...COMMON_FAILURES], log),
  events: claudeEvents,
  // total_cost_usd comes with the final `result` event only; tokens come with each message.
  reportsCost: 'at-end',
  refusesToStart: ({ args }, { isRoot, env }, where) =>
    refusesRoot(args, isRoot, env)
      ? [
          {
            message: ROOT_REFUSAL,
            fix: `Run with IS_SANDBOX=1 in the environment (or in ${where}, e.g. \`env IS_SANDBOX=1 claude -p …\`), or not as root.`,
          },
        ]
      : [],
  checkCommand: ({ assignments, args }, { env, isRoot }) => {
    const problems = [];
    if (!hasOption(args, '-p', '--print'))
      problems.push({
        message: 'the command has no -p (--print): Claude Code would start an interactive session',
        fix: 'Add -p: `claude -p --dangerously-skip-permissions`.',
      });
    if (refusesRoot(args, isRoot, { ...env, ...assignments }))
      problems.push({ message: ROOT_REFUSAL, fix: ROOT_ADVICE });
    if (optionValue(args, '--output-format') === 'stream-json' && !hasOption(args, '--verbose'))
      problems.push({
        message: 'Claude Code requires --verbose with --output-format stream-json in -p mode',
        fix: 'Add --verbose, or leave --output-format out (dispatch adds it with --verbose).',
      });
    return problems;
  },
};
