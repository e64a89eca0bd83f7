import type { Backend, BackendProblem } from './backend.js';
import { codexEvents } from './codex-events.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';
import { hasOption, optionValue, parseCommand } from './parse-command.js';
import { folderFrom, type IsolatedHome } from './isolated-home.js';
import { join } from 'node:path';

/**
 * Codex keeps its login (auth.json), config.toml, AGENTS.md, skills, prompts, rules and sessions
 * in CODEX_HOME (default ~/.codex). Only the login comes along: config.toml also holds MCP
 * servers, notify hooks and profiles, so settings a worker needs go in the command (`-c key=value`).
 */
const codexIsolation: IsolatedHome = {
  folders: { CODEX_HOME: '.' },
  credentials: (env, home) => [
    {
      from: join(folderFrom(env, 'CODEX_HOME', join(home, '.codex')), 'auth.json'),
      to: 'auth.json',
    },
  ],
  keeps: 'the login (auth.json); OPENAI_API_KEY and provider keys from the environment',
  hides:
    'AGENTS.md and AGENTS.override.md, config.toml (MCP servers, notify hooks, profiles, providers), skills, prompts, rules',
};

const AUTO_APPROVAL =
  '--dangerously-bypass-approvals-and-sandbox (or --sandbox workspace-write with --skip-git-repo-check)';

const CODEX_FAILURES: FailurePattern[] = [
  {
    kind: 'bad-command',
    pattern: /unexpected argument '--full-auto'/i,
    advice: `This Codex no longer accepts --full-auto: use ${AUTO_APPROVAL} in the config.`,
  },
  {
    kind: 'permission',
    pattern: /Not inside a trusted directory and --skip-git-repo-check/i,
    advice:
      'Codex refuses to run outside a git repository: add --skip-git-repo-check to the codex command.',
  },
  {
    kind: 'auth',
    pattern: /(OPENAI_API_KEY|codex login|Not signed in|401 Unauthorized)/i,
    advice: 'Run `codex login` (or set the provider key), then `dispatch retry`.',
  },
  {
    kind: 'service-error',
    pattern: /currently experiencing high demand/i,
    advice:
      'The model service failed (Codex reports a 5xx as "high demand"); `dispatch retry` later or with another model.',
  },
];

/**
 * Codex: `codex exec --model <id> -`, the prompt on standard input. We add `--json` (unless the command has it) so
 * worker.log shows each command as it runs and every turn's token usage is recorded. The
 * command needs --skip-git-repo-check outside a git repository and an auto-approval flag;
 * current Codex rejects the old --full-auto.
 */
export const codexBackend: Backend = {
  type: 'codex',
  label: 'Codex',
  programs: ['codex'],
  builtIn: false,
  modelPattern: /gpt|codex|(^|[^a-z0-9])o1($|[^a-z0-9])|(^|[^a-z0-9])o3($|[^a-z0-9])|o4-mini/,
  suggestedModels: ['gpt-5-codex'],
  install: 'npm install -g @openai/codex',
  helpArgs: ['exec', '--help'],
  defaultCommand: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
  // `codex exec -` reads the prompt from standard input.
  promptInput: 'stdin',
  invocation: ({ command, modelId, passModel, taskDir, writableDirs = [] }) => {
    const { args } = parseCommand(command);
    const json = hasOption(args, '--json');
    // Its workspace-write sandbox allows writes under the working folder only: the task folder
    // and, in a git worktree, the git dirs (outside the worktree) must be added for commits.
    const sandboxed = optionValue(args, '--sandbox', '-s') === 'workspace-write';
    const extra = [...(taskDir ? [taskDir] : []), ...writableDirs];
    const addDir = sandboxed ? extra.flatMap((dir) => ['--add-dir', dir]) : [];
    return {
      command,
      args: [
        ...(passModel ? ['--model', modelId] : []),
        ...(json ? [] : ['--json']),
        ...addDir,
        '-',
      ],
      jsonEvents: true,
    };
  },
  // `codex exec [options] resume ID -`: the options of exec stay before the subcommand.
  resume: {
    invocation: (input, session) => {
      const fresh = codexBackend.invocation(input);
      const options = fresh.args.filter((arg, i) => !(arg === '-' && i === fresh.args.length - 1));
      return { ...fresh, args: [...options, 'resume', session, '-'] };
    },
    lost: /no rollout found for thread id/i,
  },
  isolation: codexIsolation,
  classifyFailure: (log) => classifyWith([...CODEX_FAILURES, ...COMMON_FAILURES], log),
  events: codexEvents,
  checkCommand: ({ args }, { flags }) => {
    const problems: BackendProblem[] = [];
    if (args[0] !== 'exec' && args[0] !== 'e')
      problems.push({
        message:
          'the command does not run `codex exec`: Codex would start its interactive terminal UI',
        fix: 'Use `codex exec …`.',
      });
    if (hasOption(args, '--full-auto') && !flags?.has('--full-auto'))
      problems.push({
        message: 'this Codex rejects --full-auto ("unexpected argument")',
        fix: `Replace --full-auto with ${AUTO_APPROVAL}.`,
      });
    const bypass = hasOption(args, '--dangerously-bypass-approvals-and-sandbox');
    const sandbox = optionValue(args, '--sandbox', '-s');
    if (!bypass && sandbox !== 'workspace-write' && sandbox !== 'danger-full-access')
      problems.push({
        message:
          'no auto-approval: in exec mode Codex then runs read-only and cannot check off the plan',
        fix: `Add ${AUTO_APPROVAL}.`,
      });
    if (!bypass && !hasOption(args, '--skip-git-repo-check'))
      problems.push({
        message:
          'no --skip-git-repo-check: outside a git repository Codex exits with "Not inside a trusted directory"',
        fix: 'Add --skip-git-repo-check.',
      });
    return problems;
  },
};
