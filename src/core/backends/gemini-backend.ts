import type { Backend, BackendProblem } from './backend.js';
import { COMMON_FAILURES, classifyWith, type FailurePattern } from './failure-patterns.js';
import { geminiEvents } from './gemini-events.js';
import { hasOption, optionValue, parseCommand } from './parse-command.js';
import { folderFrom, type IsolatedHome } from './isolated-home.js';
import { join } from 'node:path';

/**
 * Gemini CLI takes GEMINI_CLI_HOME as its home: everything of its own is in `.gemini/` there
 * (settings.json, GEMINI.md, skills, commands, extensions, the Google login). The login and
 * the chosen way to authenticate (settings' security.auth) come along; GEMINI_API_KEY in the
 * environment passes through.
 */
const geminiIsolation: IsolatedHome = {
  folders: { GEMINI_CLI_HOME: '.' },
  credentials: (env, home) => {
    const dir = join(folderFrom(env, 'GEMINI_CLI_HOME', home), '.gemini');
    return [
      { from: join(dir, 'oauth_creds.json'), to: '.gemini/oauth_creds.json' },
      { from: join(dir, 'google_accounts.json'), to: '.gemini/google_accounts.json' },
      { from: join(dir, '.env'), to: '.gemini/.env' },
      { from: join(dir, 'settings.json'), to: '.gemini/settings.json', keys: ['security.auth'] },
    ];
  },
  keeps:
    'the Google login (oauth_creds.json, google_accounts.json), .gemini/.env, the auth choice of settings.json; GEMINI_API_KEY and Vertex variables from the environment',
  hides:
    'GEMINI.md, the rest of settings.json (MCP servers, hooks, tools, model settings), skills, commands, extensions, policies',
};

const GEMINI_FAILURES: FailurePattern[] = [
  {
    kind: 'permission',
    pattern: /not running in a trusted directory/i,
    advice:
      'Gemini CLI refuses an untrusted folder in headless mode: add --skip-trust to the gemini command (or set GEMINI_CLI_TRUST_WORKSPACE=true).',
  },
  {
    kind: 'auth',
    pattern: /(GEMINI_API_KEY|Please set an Auth method|API key not valid)/i,
    advice: 'Set GEMINI_API_KEY or log in with `gemini`, then `dispatch retry`.',
  },
  {
    kind: 'rate-limit',
    pattern: /(RESOURCE_EXHAUSTED|Quota exceeded|RetryableQuotaError)/i,
    advice: 'Gemini quota or rate limit reached: wait, or `dispatch retry ID --model OTHER`.',
  },
];

/**
 * Gemini CLI: headless, the prompt on standard input (it runs headless when standard input is
 * not a terminal). When the configured command already ends in `-p`/`--prompt`, an empty value
 * comes right after it (added to what standard input holds), so the model flag follows it.
 * We add `--output-format stream-json` (unless the command picks a format) for tool calls in
 * worker.log and the session's token stats. `--yolo` lets it use its write and shell tools
 * headless; `--skip-trust` lets it run in a folder not trusted before. Its file tools refuse
 * paths outside the working folder, so the task folder is added with --include-directories.
 */
export const geminiBackend: Backend = {
  type: 'gemini',
  label: 'Gemini CLI',
  programs: ['gemini'],
  builtIn: false,
  modelPattern: /gemini/,
  suggestedModels: ['gemini-2.5-pro', 'gemini-2.5-flash'],
  install: 'npm install -g @google/gemini-cli',
  helpArgs: ['--help'],
  defaultCommand: 'gemini --yolo --skip-trust',
  // Headless Gemini CLI reads standard input when it is not a terminal; --prompt is appended.
  promptInput: 'stdin',
  invocation: ({ command, modelId, passModel, taskDir }) => {
    const { args } = parseCommand(command);
    const chosen = optionValue(args, '--output-format', '-o');
    // write_file refuses paths outside the workspace, and the task folder may be outside it.
    const include = taskDir ? ['--include-directories', taskDir] : [];
    const output = [...(chosen ? [] : ['--output-format', 'stream-json']), ...include];
    const model = passModel ? ['--model', modelId] : [];
    const jsonEvents = chosen === undefined || chosen === 'stream-json' || chosen === 'json';
    const last = args.at(-1);
    // An empty --prompt adds nothing to the prompt read from standard input.
    if (last === '-p' || last === '--prompt')
      return { command, args: ['', ...model, ...output], jsonEvents };
    return { command, args: [...model, ...output], jsonEvents };
  },
  resume: {
    invocation: (input, session) => {
      const fresh = geminiBackend.invocation(input);
      return { ...fresh, args: [...fresh.args, '--resume', session] };
    },
    lost: /(Error resuming session|Invalid session identifier|No previous sessions found)/i,
  },
  isolation: geminiIsolation,
  classifyFailure: (log) => classifyWith([...GEMINI_FAILURES, ...COMMON_FAILURES], log),
  events: geminiEvents,
  checkCommand: ({ args }, { env, flags }) => {
    const problems: BackendProblem[] = [];
    if (!hasOption(args, '--yolo', '-y') && optionValue(args, '--approval-mode') !== 'yolo')
      problems.push({
        message: 'no --yolo: headless Gemini CLI then cannot use its write and shell tools',
        fix: 'Add --yolo (or --approval-mode yolo).',
      });
    const trusted = env.GEMINI_CLI_TRUST_WORKSPACE === 'true';
    if (
      !hasOption(args, '--skip-trust') &&
      !trusted &&
      (flags === undefined || flags.has('--skip-trust'))
    )
      problems.push({
        message:
          'no --skip-trust: in a folder not trusted before, headless Gemini CLI exits with code 55',
        fix: 'Add --skip-trust (or set GEMINI_CLI_TRUST_WORKSPACE=true).',
      });
    return problems;
  },
};
