import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';

/**
 * Cursor's `agent` cannot be installed here, so its backend runs a fake `agent` on PATH
 * (test/fixtures/fake-cursor-agent.mjs): this proves the argv, stdin and environment dispatch
 * gives it and the file protocol around it, not the real program's behaviour.
 */
const FAKE = fileURLToPath(new URL('../fixtures/fake-cursor-agent.mjs', import.meta.url));

let sandbox: Sandbox;
let bin: string;
afterEach(() => {
  sandbox.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

function withFakeAgent(env: NodeJS.ProcessEnv = {}): Sandbox {
  bin = mkdtempSync(join(tmpdir(), 'dispatch-fake-agent-'));
  symlinkSync(FAKE, join(bin, 'agent'));
  const box = new Sandbox({
    PATH: [bin, process.env.PATH].join(delimiter),
    FAKE_AGENT_RECORD: join(bin, 'record.json'),
    ...env,
  });
  box.writeConfig(
    [
      'default: gpt-5',
      'backends:',
      '  cursor:',
      `    command: agent -p --force --workspace "$(pwd)"`,
      'models:',
      '  gpt-5: { backend: cursor }',
      '',
    ].join('\n'),
  );
  return box;
}

describe('the Cursor backend with a fake `agent` on PATH', () => {
  it('starts agent -p --force --workspace DIR --model ID PROMPT with stdin from /dev/null', async () => {
    sandbox = withFakeAgent();
    const run = await sandbox.run([
      '--title',
      'Greeting',
      '--item',
      'Survey',
      '--item',
      'Ask',
      '--item',
      'Summarise',
    ]);
    await sandbox.cli(['wait', run.id, '--timeout', '30']);
    expect((await sandbox.cli(['answer', run.id, 'Hi'])).code).toBe(0);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '30']);
    expect(done.stdout).toContain('done (3/3 items)');
    const record = JSON.parse(readFileSync(sandbox.env.FAKE_AGENT_RECORD as string, 'utf8'));
    expect(record.args.slice(0, 6)).toEqual([
      '-p',
      '--force',
      '--workspace',
      sandbox.project,
      '--model',
      'gpt-5',
    ]);
    expect(record.args).toHaveLength(7);
    expect(record.args[6]).toContain(`Plan file: ${join(sandbox.taskDir(run.id), 'plan.md')}`);
    expect(record.stdinIsDevNull).toBe(true);
    expect(record.taskDir).toBe(sandbox.taskDir(run.id));
    expect(sandbox.read(run.id, 'output.md')).toBe('Greeting chosen by the user: Hi\n');
    // Cursor's output stays text: no log filter, no usage.
    expect(sandbox.read(run.id, 'worker.log')).toContain('fake agent: done');
    expect((await sandbox.status(run.id)).usage).toBeNull();
  });

  it('reports a logged-out agent as an authentication failure with the login advice', async () => {
    sandbox = withFakeAgent({ FAKE_AGENT_FAIL: 'auth' });
    const run = await sandbox.run(['--item', 'Survey']);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', '30']);
    expect(waited.code).toBe(3);
    const status = await sandbox.status(run.id);
    expect(status.cause).toMatchObject({ kind: 'auth', label: 'authentication failed' });
    expect((status.cause as { advice: string }).advice).toContain('agent login');
    const text = await sandbox.cli(['status', run.id]);
    expect(text.stdout).toMatch(/cause\s+authentication failed: Error: Authentication required/);
  });
});
