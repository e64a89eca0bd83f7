import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * How each real agent CLI is pointed at a scripted model server on 127.0.0.1, with its retries
 * turned down and every update check, telemetry and other outside traffic turned off. Each setup
 * returns the backend command for the dispatch config, the model name and the environment.
 */
export interface CliSetup {
  /** Backend kind and name in the config. */
  backend: 'claude' | 'codex' | 'gemini' | 'opencode';
  command: string;
  /** The model name in the config (what `--model` receives). */
  model: string;
  env: Record<string, string>;
}

/** The bin folder of the agent CLIs .ci/run installs; the real-CLI tests skip without it. */
export const AGENT_BIN = process.env.DISPATCH_TEST_AGENT_BIN;

export const SKIP_REASON =
  'DISPATCH_TEST_AGENT_BIN is not set: the real agent CLIs are not installed (.ci/install-agent-clis does it)';

/** PATH with the agent CLIs first. */
export function agentPath(): string {
  return [AGENT_BIN, process.env.PATH].filter(Boolean).join(delimiter);
}

const isRoot = process.getuid?.() === 0;

/**
 * Claude Code: ANTHROPIC_BASE_URL and a key; CLAUDE_CODE_MAX_RETRIES=0 so a failure shows at
 * once. As root it refuses --dangerously-skip-permissions unless IS_SANDBOX=1, which the test
 * config sets explicitly in the command (dispatch itself never sets it).
 */
export function claudeSetup(
  baseUrl: string,
  _dir?: string,
  options: { sandboxFlag?: boolean } = {},
): CliSetup {
  const sandbox = (options.sandboxFlag ?? true) && isRoot ? ' IS_SANDBOX=1' : '';
  return {
    backend: 'claude',
    command: `env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE${sandbox} claude -p --dangerously-skip-permissions`,
    model: 'sonnet',
    env: {
      ANTHROPIC_BASE_URL: baseUrl,
      ANTHROPIC_API_KEY: 'sk-ant-scripted-test',
      CLAUDE_CODE_MAX_RETRIES: '0',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
  };
}

/** Codex: a `scripted` provider in a temporary CODEX_HOME/config.toml (Responses API). */
export function codexSetup(baseUrl: string, dir: string): CliSetup {
  const home = join(dir, 'codex-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, 'config.toml'),
    [
      'model_provider = "scripted"',
      'check_for_update_on_startup = false',
      '[analytics]',
      'enabled = false',
      '[feedback]',
      'enabled = false',
      '[otel]',
      'exporter = "none"',
      '[model_providers.scripted]',
      'name = "Scripted"',
      `base_url = "${baseUrl}/v1"`,
      'env_key = "SCRIPTED_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return {
    backend: 'codex',
    command: 'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
    model: 'gpt-5-codex',
    env: { CODEX_HOME: home, SCRIPTED_API_KEY: 'sk-scripted-test' },
  };
}

/** Gemini CLI: GOOGLE_GEMINI_BASE_URL and GEMINI_API_KEY, settings in a temporary HOME. */
export function geminiSetup(baseUrl: string, dir: string): CliSetup {
  const home = join(dir, 'home');
  const tmp = join(dir, 'tmp');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(tmp);
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify(
      {
        security: { auth: { selectedType: 'gemini-api-key' } },
        general: {
          disableAutoUpdate: true,
          disableUpdateNag: true,
          maxAttempts: 1,
          retryFetchErrors: false,
        },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
      },
      null,
      2,
    ),
  );
  return {
    backend: 'gemini',
    command: 'gemini --yolo --skip-trust',
    model: 'gemini-2.5-flash',
    env: {
      HOME: home,
      GEMINI_API_KEY: 'scripted-test-key',
      GOOGLE_GEMINI_BASE_URL: baseUrl,
      // Its error reports ("Full report available at …") go here, not into the shared /tmp.
      TMPDIR: tmp,
    },
  };
}

/** opencode: an OpenAI-compatible `scripted` provider in OPENCODE_CONFIG (Chat Completions). */
export function opencodeSetup(baseUrl: string, dir: string): CliSetup {
  const file = join(dir, 'opencode.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        $schema: 'https://opencode.ai/config.json',
        autoupdate: false,
        share: 'disabled',
        provider: {
          scripted: {
            npm: '@ai-sdk/openai-compatible',
            name: 'Scripted',
            options: { baseURL: `${baseUrl}/v1`, apiKey: 'sk-scripted-test' },
            models: { 'test-model': { name: 'Scripted test model' } },
          },
        },
      },
      null,
      2,
    ),
  );
  return {
    backend: 'opencode',
    command: 'opencode run --auto',
    model: 'scripted/test-model',
    env: {
      OPENCODE_CONFIG: file,
      OPENCODE_DISABLE_AUTOUPDATE: '1',
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_SHARE: '1',
      OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
      OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    },
  };
}

/** A dispatch config with the CLI's backend and model, plus the built-in sim for retries. */
export function configFor(setup: CliSetup): string {
  return [
    `default: ${JSON.stringify(setup.model)}`,
    'backends:',
    `  ${setup.backend}:`,
    `    command: ${JSON.stringify(setup.command)}`,
    'models:',
    `  ${JSON.stringify(setup.model)}: { backend: ${setup.backend} }`,
    '',
  ].join('\n');
}
