import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * A stand-in `claude` (test/fixtures/fake-claude-daemon-busy.mjs) that dies the way parallel
 * `claude -p` runs are reported to (the daemon "may be busy or unresponsive", exit 143), a
 * given number of times, then does its work.
 */
const FAKE = fileURLToPath(new URL('../fixtures/fake-claude-daemon-busy.mjs', import.meta.url));

let sandbox: Sandbox;
let bin: string;
afterEach(() => {
  sandbox.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

function withFakeClaude(failures: number): Sandbox {
  bin = mkdtempSync(join(tmpdir(), 'dispatch-fake-claude-'));
  symlinkSync(FAKE, join(bin, 'claude'));
  const box = new Sandbox({
    PATH: [bin, process.env.PATH].join(delimiter),
    FAKE_CLAUDE_RUNS: join(bin, 'runs.jsonl'),
    FAKE_CLAUDE_FAILURES: String(failures),
  });
  box.writeConfig(
    [
      'default: sonnet',
      'backends:',
      '  claude:',
      '    command: claude -p',
      'models:',
      '  sonnet: { backend: claude }',
      '',
    ].join('\n'),
  );
  return box;
}

function runs(): { args: string[]; prompt: string }[] {
  return readFileSync(join(bin, 'runs.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

const retries = (id: string) =>
  sandbox.events(id).filter((e) => e.type === 'resumed' && e.reason === 'transient-retry');

describe('a Claude daemon failure', () => {
  it('is retried once after a backoff, with the same prompt, and the task finishes', async () => {
    sandbox = withFakeClaude(1);
    const run = await sandbox.run(['--title', 'Daemon', '--item', 'One', '--item', 'Two']);
    // The retry is recorded with its start time; meanwhile status says what happened.
    const retry = await waitForCondition(sandbox.taskDir(run.id), () => retries(run.id)[0], 20_000);
    expect(retry).toMatchObject({ attempt: 2, cause: 'claude daemon busy', queued: true });
    const delay = Date.parse(retry.notBefore as string) - Date.parse(retry.time as string);
    expect(delay).toBeGreaterThan(2000);
    expect(delay).toBeLessThanOrEqual(8000);
    const waiting = await sandbox.status(run.id);
    expect(waiting.state).toBe('queued');
    expect(waiting.reason).toMatch(/^claude daemon busy; retrying (in \d+ s|now)$/);
    const done = await sandbox.cli(['wait', run.id, '--timeout', '30']);
    expect(done.stdout).toContain('done (2/2 items)');
    expect(retries(run.id)).toHaveLength(1);
    expect(sandbox.events(run.id).filter((e) => e.type === 'failed')).toHaveLength(0);
    const [first, second] = runs();
    expect(runs()).toHaveLength(2);
    expect(second?.prompt).toBe(first?.prompt);
    expect(second?.args).toEqual(first?.args);
    // The second worker started no earlier than the backoff allowed.
    const spawned = sandbox.events(run.id).find((e) => e.type === 'spawned' && e.attempt === 2);
    expect(Date.parse(spawned?.time as string)).toBeGreaterThanOrEqual(
      Date.parse(retry.notBefore as string),
    );
  }, 60_000);

  it('fails normally, with the cause named, when the retry fails too', async () => {
    sandbox = withFakeClaude(2);
    const run = await sandbox.run(['--title', 'Daemon', '--item', 'One']);
    await waitForCondition(
      sandbox.taskDir(run.id),
      () => sandbox.events(run.id).find((e) => e.type === 'failed'),
      30_000,
    );
    const status = await sandbox.status(run.id);
    expect(status.state).toBe('failed');
    expect(JSON.stringify(status)).toContain('claude daemon busy');
    expect(retries(run.id)).toHaveLength(1);
    expect(runs()).toHaveLength(2);
    expect(sandbox.events(run.id).filter((e) => e.type === 'spawned')).toHaveLength(2);
  }, 60_000);
});
