import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

// 3,000,000 s is longer than a Node.js timer can hold (2^31-1 ms, about 24.8 days): such a
// timer fires after 1 ms unless the wait clamps it.
const LONG = '3000000';

describe('timeouts longer than a Node.js timer holds', () => {
  it('dispatch ask --timeout 3000000 waits for the answer instead of timing out at once', async () => {
    const taskDir = join(sandbox.dir, 'task');
    const ipc = join(taskDir, 'ipc');
    mkdirSync(ipc, { recursive: true });
    const asked = sandbox.cli(['ask', '--timeout', LONG, 'Which colour?'], {
      env: { DISPATCH_TASK_DIR: taskDir },
    });
    await waitForFile(join(ipc, '001.question'));
    writeFileSync(join(ipc, '.001.answer.tmp'), 'blue\n');
    renameSync(join(ipc, '.001.answer.tmp'), join(ipc, '001.answer'));
    const result = await asked;
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: 'blue\n' });
    await waitForFile(join(ipc, '001.done'));
  });

  it('dispatch wait --timeout 3000000 waits for the question instead of timing out at once', async () => {
    // The worker asks only after a while, so the wait really has to wait.
    const run = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'sleep: 2',
      '--item',
      'ask: Which colour?',
    ]);
    const waited = await sandbox.cli(['wait', run.id, '--timeout', LONG, '--json']);
    expect(JSON.parse(waited.stdout)).toMatchObject({
      event: 'attention',
      tasks: [{ id: run.id }],
    });
    expect(waited.code).toBe(0);
  });

  it('the supervisor arms an inactivity timeout of 50,000 minutes without overflowing its timer', async () => {
    sandbox.writeConfig('default: sim\ntimeout_minutes: 50000\n');
    const run = await sandbox.run(['--item', 'sleep: 1', '--item', 'Write the summary']);
    expect((await sandbox.cli(['wait', run.id, '--timeout', '30'])).code).toBe(0);
    // The supervisor watched the running task, then exits when idle: its log is complete.
    const lock = join(sandbox.root, 'supervisor.lock');
    await waitForCondition(sandbox.root, () => (existsSync(lock) ? undefined : true));
    const log = readFileSync(join(sandbox.root, 'supervisor.log'), 'utf8');
    expect(log).toContain('supervising');
    expect(log).not.toContain('TimeoutOverflowWarning');
  });
});
