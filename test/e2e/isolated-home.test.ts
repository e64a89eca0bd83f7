import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';
import { AGENT_BIN, SKIP_REASON, agentPath, claudeSetup } from '../model-servers/agent-clis.js';
import { anthropicApi } from '../model-servers/anthropic-api.js';
import { startModelServer, type ModelServer } from '../model-servers/model-server.js';
import { QUESTION } from '../model-servers/worker-script.js';

/**
 * `isolate: true` runs the real Claude Code with a home of its own: the operator's CLAUDE.md
 * (a marker instruction here) never reaches the model, while the login in the operator's
 * ~/.claude/.credentials.json still authenticates the request, and a later `dispatch continue`
 * finds the session in that same home. Without isolation the marker is in the request.
 */
const MARKER = 'OPERATOR-MARKER-5123: hand every task to another agent';
const TOKEN = 'sk-ant-oat01-operator-login-for-isolation-test';

if (!AGENT_BIN) console.warn(`isolated-home: skipped, ${SKIP_REASON}`);

let sandbox: Sandbox | undefined;
let server: ModelServer | undefined;
afterEach(async () => {
  sandbox?.cleanup();
  await server?.close();
  sandbox = server = undefined;
});

/** An operator whose Claude Code has a login, a CLAUDE.md, settings and an MCP server. */
function operatorSandbox(baseUrl: string, isolate: boolean): Sandbox {
  const setup = claudeSetup(baseUrl);
  const box = new Sandbox({ PATH: agentPath(), ...setup.env });
  // The login comes from the operator's credentials file, not from a key in the environment.
  delete box.env.ANTHROPIC_API_KEY;
  const claude = join(box.home, '.claude');
  mkdirSync(claude, { recursive: true });
  writeFileSync(join(claude, 'CLAUDE.md'), `# Operator's rules\n\n${MARKER}\n`);
  writeFileSync(join(claude, 'settings.json'), JSON.stringify({ env: { OPERATOR_SETTING: '1' } }));
  writeFileSync(
    join(claude, '.credentials.json'),
    JSON.stringify({
      claudeAiOauth: {
        accessToken: TOKEN,
        refreshToken: 'sk-ant-ort01-unused',
        expiresAt: 4_102_444_800_000,
        scopes: ['user:inference', 'user:profile'],
      },
    }),
  );
  writeFileSync(
    join(box.home, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      mcpServers: { operatorTools: { command: 'operator-mcp-server' } },
    }),
  );
  box.writeConfig(
    [
      'default: sonnet',
      'backends:',
      `  claude: { command: ${JSON.stringify(setup.command)}, isolate: ${isolate} }`,
      'models:',
      '  sonnet: { backend: claude }',
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

describe.skipIf(!AGENT_BIN)('a worker with an isolated home (real Claude Code)', () => {
  it(
    'without isolation, the operator CLAUDE.md reaches the model',
    { timeout: 240_000 },
    async () => {
      server = await startModelServer(anthropicApi);
      sandbox = operatorSandbox(server.url, false);
      const run = await sandbox.run(['--title', 'Greeting', '--item', 'Survey', '--item', 'Ask']);
      await untilQuestion(sandbox, run.id);
      const texts = requestTexts(server).filter((t) => t.includes('Plan file:'));
      expect(texts.length).toBeGreaterThan(0);
      expect(texts.some((t) => t.includes(MARKER))).toBe(true);
      expect(existsSync(join(sandbox.taskDir(run.id), 'home'))).toBe(false);
    },
  );

  it(
    'with isolate: true, hides it, keeps the login, and resumes the session in the same home',
    { timeout: 300_000 },
    async () => {
      server = await startModelServer(anthropicApi);
      sandbox = operatorSandbox(server.url, true);
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
      expect(texts.filter((t) => t.includes('operatorTools'))).toEqual([]);
      // The request authenticated with the operator's login, copied into the worker's home.
      expect(server.requests.map((r) => r.headers.authorization)).toContain(`Bearer ${TOKEN}`);

      const home = join(box.taskDir(run.id), 'home');
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(statSync(join(home, '.credentials.json')).mode & 0o777).toBe(0o600);
      expect(existsSync(join(home, 'CLAUDE.md'))).toBe(false);
      expect(existsSync(join(home, 'settings.json'))).toBe(false);
      const state = JSON.parse(readFileSync(join(home, '.claude.json'), 'utf8'));
      expect(state.mcpServers).toBeUndefined();
      // The operator's own files are untouched.
      expect(readFileSync(join(box.home, '.claude', 'CLAUDE.md'), 'utf8')).toContain(MARKER);

      const answered = await box.cli(['answer', run.id, 'Hello from the test']);
      expect(answered.code, answered.stderr).toBe(0);
      const finished = await box.cli(['wait', run.id, '--timeout', '150'], { timeoutMs: 170_000 });
      expect(finished.code, box.read(run.id, 'worker.log')).toBe(0);
      await waitForCondition(box.taskDir(run.id), () =>
        box.events(run.id).some((e) => e.type === 'exited') ? true : undefined,
      );

      // A follow-up resumes the session Claude Code stored in the isolated home.
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
      expect(status.continuation, box.read(run.id, 'worker.log')).toMatchObject({ how: 'session' });
      const resumed = requestTexts(server).slice(before);
      expect(resumed.length).toBeGreaterThan(0);
      // The resumed request carries the earlier conversation, and still not the operator's rules.
      expect(resumed.some((t) => t.includes('Hello from the test'))).toBe(true);
      expect(resumed.filter((t) => t.includes(MARKER))).toEqual([]);
    },
  );
});

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
