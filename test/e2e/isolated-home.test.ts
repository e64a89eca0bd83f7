import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';
import {
  AGENT_BIN,
  SKIP_REASON,
  agentPath,
  claudeSetup,
  geminiSetup,
  opencodeSetup,
} from '../model-servers/agent-clis.js';
import { geminiApi } from '../model-servers/gemini-api.js';
import { openaiChatApi } from '../model-servers/openai-chat-api.js';
import { anthropicApi } from '../model-servers/anthropic-api.js';
import {
  startModelServer,
  type ApiAdapter,
  type ModelServer,
} from '../model-servers/model-server.js';
import { openaiResponsesApi } from '../model-servers/openai-responses-api.js';
import { QUESTION } from '../model-servers/worker-script.js';

/**
 * `isolate: true` runs a real agent CLI with a home of its own: the operator's instruction file
 * (a marker instruction here) never reaches the model, while the operator's login, kept in a
 * file of the CLI's own (no key in the environment), still authenticates the request, and a
 * later `dispatch continue` finds the session in that same home. Without isolation the marker
 * is in the request.
 */
const MARKER = 'OPERATOR-MARKER-5123: hand every task to another agent';

if (!AGENT_BIN) console.warn(`isolated-home: skipped, ${SKIP_REASON}`);

let sandbox: Sandbox | undefined;
let server: ModelServer | undefined;
afterEach(async () => {
  sandbox?.cleanup();
  await server?.close();
  sandbox = server = undefined;
});

/** One CLI: how its operator is set up, and what its isolated home must and must not hold. */
interface IsolationCase {
  label: string;
  api: ApiAdapter;
  /** The header and value the operator's login gives each request. */
  credential: [header: string, value: string];
  /** Writes the operator's own files into the sandbox's HOME; returns the backend's config. */
  operator(box: Sandbox, baseUrl: string): { name: string; command: string; model: string };
  /** Files of the operator's that must not be in the isolated home, and credentials that must. */
  hidden: string[];
  kept: string[];
  /** Something of the operator's besides the instructions that must not reach the model. */
  hiddenText: string;
  /** More about the isolated home after the first attempt. */
  checkHome?(home: string): void;
}

const claudeCase: IsolationCase = {
  label: 'Claude Code',
  api: anthropicApi,
  credential: ['authorization', 'Bearer sk-ant-oat01-operator-login-for-isolation-test'],
  operator(box, baseUrl) {
    const setup = claudeSetup(baseUrl);
    Object.assign(box.env, setup.env);
    // The login comes from the operator's credentials file, not from a key in the environment.
    delete box.env.ANTHROPIC_API_KEY;
    const claude = join(box.home, '.claude');
    mkdirSync(claude, { recursive: true });
    writeFileSync(join(claude, 'CLAUDE.md'), `# Operator's rules\n\n${MARKER}\n`);
    writeFileSync(
      join(claude, 'settings.json'),
      JSON.stringify({ env: { OPERATOR_SETTING: '1' } }),
    );
    writeFileSync(
      join(claude, '.credentials.json'),
      JSON.stringify({
        claudeAiOauth: {
          accessToken: 'sk-ant-oat01-operator-login-for-isolation-test',
          refreshToken: 'sk-ant-ort01-unused',
          expiresAt: 4_102_444_800_000,
          scopes: ['user:inference', 'user:profile'],
        },
      }),
    );
    mkdirSync(join(claude, 'skills', 'operator-skill'), { recursive: true });
    writeFileSync(
      join(claude, 'skills', 'operator-skill', 'SKILL.md'),
      '---\nname: operator-skill\ndescription: OPERATOR-SKILL-8841 use for every task\n---\nDelegate.\n',
    );
    writeFileSync(
      join(box.home, '.claude.json'),
      JSON.stringify({
        hasCompletedOnboarding: true,
        mcpServers: { operatorTools: { command: 'operator-mcp-server' } },
      }),
    );
    return { name: 'claude', command: setup.command, model: setup.model };
  },
  hidden: ['CLAUDE.md', 'settings.json', 'skills'],
  kept: ['.credentials.json', '.claude.json'],
  hiddenText: 'OPERATOR-SKILL-8841',
  checkHome(home) {
    // Only the account part of the state file came along: not the operator's MCP servers.
    const state = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'));
    expect(state.hasCompletedOnboarding).toBe(true);
    expect(state.mcpServers).toBeUndefined();
  },
};

/**
 * Codex: the login is an API key in ~/.codex/auth.json, used by a provider that asks for the
 * OpenAI login; the provider is in the command (`-c`), since config.toml stays behind.
 */
const codexCase: IsolationCase = {
  label: 'Codex',
  api: openaiResponsesApi,
  credential: ['authorization', 'Bearer sk-operator-login-in-auth-json'],
  operator(box, baseUrl) {
    delete box.env.OPENAI_API_KEY;
    delete box.env.CODEX_HOME;
    const codex = join(box.home, '.codex');
    mkdirSync(codex, { recursive: true });
    writeFileSync(join(codex, 'AGENTS.md'), `# Operator's rules\n\n${MARKER}\n`);
    writeFileSync(join(codex, 'auth.json'), '{"OPENAI_API_KEY":"sk-operator-login-in-auth-json"}');
    writeFileSync(join(codex, 'config.toml'), 'developer_instructions = "OPERATOR-CONFIG-TOML"\n');
    const provider = `{name="Scripted",base_url="${baseUrl}/v1",wire_api="responses",requires_openai_auth=true,request_max_retries=0,stream_max_retries=0}`;
    const command = [
      'codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox',
      '-c model_provider=scripted',
      `-c 'model_providers.scripted=${provider}'`,
      '-c check_for_update_on_startup=false -c analytics.enabled=false -c feedback.enabled=false',
    ].join(' ');
    return { name: 'codex', command, model: 'gpt-5-codex' };
  },
  hidden: ['AGENTS.md', 'config.toml'],
  kept: ['auth.json'],
  hiddenText: 'OPERATOR-CONFIG-TOML',
};

/**
 * Gemini CLI: the key is in the operator's ~/.gemini/.env, and settings.json chooses the key as
 * the way to authenticate; the base URL comes from the environment.
 */
const geminiCase: IsolationCase = {
  label: 'Gemini CLI',
  api: geminiApi,
  credential: ['x-goog-api-key', 'operator-key-in-gemini-env'],
  operator(box, baseUrl) {
    const setup = geminiSetup(baseUrl, box.dir);
    // The setup's own HOME and key are replaced by the operator's files in the sandbox's HOME.
    const { HOME: _home, GEMINI_API_KEY: _key, ...env } = setup.env;
    Object.assign(box.env, env);
    delete box.env.GEMINI_API_KEY;
    const gemini = join(box.home, '.gemini');
    mkdirSync(gemini, { recursive: true });
    writeFileSync(join(gemini, 'GEMINI.md'), `# Operator's rules\n\n${MARKER}\n`);
    writeFileSync(join(gemini, '.env'), 'GEMINI_API_KEY=operator-key-in-gemini-env\n');
    writeFileSync(
      join(gemini, 'settings.json'),
      JSON.stringify({
        security: { auth: { selectedType: 'gemini-api-key' } },
        general: { disableAutoUpdate: true, maxAttempts: 1 },
        privacy: { usageStatisticsEnabled: false },
        telemetry: { enabled: false },
        context: { fileName: ['GEMINI.md', 'OPERATOR.md'] },
      }),
    );
    writeFileSync(join(gemini, 'OPERATOR.md'), 'OPERATOR-CONTEXT-FILE-3310\n');
    return { name: 'gemini', command: setup.command, model: setup.model };
  },
  hidden: ['.gemini/GEMINI.md', '.gemini/OPERATOR.md'],
  kept: ['.gemini/.env', '.gemini/settings.json'],
  hiddenText: 'OPERATOR-CONTEXT-FILE-3310',
  checkHome(home) {
    const settings = JSON.parse(readFileSync(join(home, '.gemini', 'settings.json'), 'utf8'));
    expect(settings.security).toEqual({ auth: { selectedType: 'gemini-api-key' } });
    expect(settings.context).toBeUndefined();
  },
};

/**
 * opencode: the key is in the operator's ~/.local/share/opencode/auth.json; the provider (without
 * a key) in the file OPENCODE_CONFIG names, which passes through. Its global AGENTS.md and
 * Claude Code's skills, which opencode also reads, stay behind.
 */
const opencodeCase: IsolationCase = {
  label: 'opencode',
  api: openaiChatApi,
  credential: ['authorization', 'Bearer sk-operator-key-in-auth-json'],
  operator(box, baseUrl) {
    const setup = opencodeSetup(baseUrl, box.dir);
    Object.assign(box.env, setup.env);
    const file = setup.env.OPENCODE_CONFIG as string;
    const config = JSON.parse(readFileSync(file, 'utf8'));
    delete config.provider.scripted.options.apiKey;
    writeFileSync(file, JSON.stringify(config));
    const opencode = join(box.home, '.config', 'opencode');
    mkdirSync(opencode, { recursive: true });
    writeFileSync(join(opencode, 'AGENTS.md'), `# Operator's rules\n\n${MARKER}\n`);
    const skill = join(box.home, '.claude', 'skills', 'operator-skill');
    mkdirSync(skill, { recursive: true });
    writeFileSync(
      join(skill, 'SKILL.md'),
      '---\nname: operator-skill\ndescription: OPERATOR-SKILL-7720 use for every task\n---\nDelegate.\n',
    );
    const data = join(box.home, '.local', 'share', 'opencode');
    mkdirSync(data, { recursive: true });
    writeFileSync(
      join(data, 'auth.json'),
      JSON.stringify({ scripted: { type: 'api', key: 'sk-operator-key-in-auth-json' } }),
    );
    return { name: 'opencode', command: setup.command, model: setup.model };
  },
  hidden: ['config/opencode/AGENTS.md'],
  kept: ['data/opencode/auth.json'],
  hiddenText: 'OPERATOR-SKILL-7720',
};

function operatorSandbox(cli: IsolationCase, baseUrl: string, isolate: boolean): Sandbox {
  const box = new Sandbox({ PATH: agentPath() });
  const backend = cli.operator(box, baseUrl);
  box.writeConfig(
    [
      `default: ${backend.model}`,
      'backends:',
      `  ${backend.name}: { command: ${JSON.stringify(backend.command)}, isolate: ${isolate} }`,
      'models:',
      `  ${backend.model}: { backend: ${backend.name} }`,
      '',
    ].join('\n'),
  );
  return box;
}

function requestTexts(model: ModelServer): string[] {
  return model.requests.map((r) => JSON.stringify(r.body ?? ''));
}

/** Waits until the worker has put its question, i.e. the model was asked at least twice. */
async function untilQuestion(box: Sandbox, id: string): Promise<void> {
  const asked = await box.cli(['wait', id, '--json', '--timeout', '150'], { timeoutMs: 170_000 });
  expect(
    JSON.parse(asked.stdout || '{}').tasks?.[0]?.question?.text,
    box.read(id, 'worker.log'),
  ).toBe(QUESTION);
}

describe.skipIf(!AGENT_BIN).each([claudeCase, codexCase, geminiCase, opencodeCase])(
  'a worker with an isolated home (real $label)',
  (cli) => {
    it(
      'without isolation, the operator instructions reach the model',
      { timeout: 240_000 },
      async () => {
        server = await startModelServer(cli.api);
        sandbox = operatorSandbox(cli, server.url, false);
        const run = await sandbox.run(['--title', 'Greeting', '--item', 'Survey', '--item', 'Ask']);
        await untilQuestion(sandbox, run.id);
        const texts = requestTexts(server).filter((t) => t.includes('Plan file:'));
        expect(texts.length).toBeGreaterThan(0);
        expect(texts.some((t) => t.includes(MARKER))).toBe(true);
        expect(texts.some((t) => t.includes(cli.hiddenText))).toBe(true);
        expect(existsSync(join(sandbox.taskDir(run.id), 'home'))).toBe(false);
      },
    );

    it(
      'with isolate: true, hides them, keeps the login, and resumes the session in the same home',
      { timeout: 300_000 },
      async () => {
        server = await startModelServer(cli.api);
        sandbox = operatorSandbox(cli, server.url, true);
        const box = sandbox;
        const run = await box.run([
          '--title',
          'Greeting',
          '--item',
          'Survey the project',
          '--item',
          'Ask which greeting to use',
          '--item',
          'Write the summary to output.md',
        ]);
        await untilQuestion(box, run.id);

        const texts = requestTexts(server);
        expect(texts.some((t) => t.includes('Plan file:'))).toBe(true);
        expect(texts.filter((t) => t.includes(MARKER))).toEqual([]);
        expect(texts.filter((t) => t.includes(cli.hiddenText))).toEqual([]);
        // The request authenticated with the operator's login, copied into the worker's home.
        const [header, value] = cli.credential;
        expect(server.requests.map((r) => r.headers[header])).toContain(value);

        const home = join(box.taskDir(run.id), 'home');
        expect(statSync(home).mode & 0o777).toBe(0o700);
        for (const file of cli.kept)
          expect(statSync(join(home, file)).mode & 0o777, file).toBe(0o600);
        for (const file of cli.hidden) expect(existsSync(join(home, file)), file).toBe(false);
        cli.checkHome?.(home);

        const answered = await box.cli(['answer', run.id, 'Hello from the test']);
        expect(answered.code, answered.stderr).toBe(0);
        const finished = await box.cli(['wait', run.id, '--timeout', '150'], {
          timeoutMs: 170_000,
        });
        expect(finished.code, box.read(run.id, 'worker.log')).toBe(0);
        await waitForCondition(box.taskDir(run.id), () =>
          box.events(run.id).some((e) => e.type === 'exited') ? true : undefined,
        );

        // A follow-up resumes the session the CLI stored in the isolated home.
        const before = server.requests.length;
        const continued = await box.cli(['continue', run.id, 'Say that you are done.']);
        expect(continued.code, continued.stderr).toBe(0);
        await waitForCondition(
          box.taskDir(run.id),
          () =>
            box.events(run.id).filter((e) => e.type === 'exited').length >= 2 ? true : undefined,
          150_000,
          () => box.read(run.id, 'worker.log'),
        );
        const status = await box.status(run.id);
        expect(status.continuation, box.read(run.id, 'worker.log')).toMatchObject({
          how: 'session',
        });
        const resumed = requestTexts(server).slice(before);
        expect(resumed.length).toBeGreaterThan(0);
        // The resumed request carries the earlier conversation, and still not the operator's rules.
        expect(resumed.some((t) => t.includes('Hello from the test'))).toBe(true);
        expect(resumed.filter((t) => t.includes(MARKER))).toEqual([]);
      },
    );
  },
);

describe('dispatch doctor', () => {
  it('says which backends and aliases isolate, and what the CLI keeps', async () => {
    sandbox = new Sandbox();
    sandbox.writeConfig(
      [
        'default: sonnet',
        'backends:',
        '  claude: { command: "claude -p", isolate: true }',
        'models:',
        '  sonnet: { backend: claude }',
        'aliases:',
        '  mine: { model: sonnet, isolate: false }',
        '',
      ].join('\n'),
    );
    const doctor = await sandbox.cli(['doctor', '--json']);
    const findings = JSON.parse(doctor.stdout) as { subject: string; message: string }[];
    const isolation = findings.filter((f) => /isolated home|operator's own/.test(f.message));
    expect(isolation.map((f) => f.subject)).toEqual(['backend claude', 'alias mine']);
    expect(isolation[0]?.message).toContain('they keep the login (.credentials.json)');
    expect(isolation[0]?.message).toContain('hidden: CLAUDE.md');
  });
});
