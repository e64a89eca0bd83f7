import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { runningInGroup } from '../helpers/processes.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';
import { reportFaults } from '../helpers/fault-trials.js';

let sandbox: Sandbox;
beforeEach(() => {
  // The supervisor would exit a moment after the task timed out, long before a SIGKILL is due.
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_IDLE_MS: '200' });
});
afterEach(() => sandbox.cleanup());

/** Waits for the worker's group to be gone; reports how many of its processes were left. */
async function groupGone(pgid: number, test: string): Promise<void> {
  await waitForCondition(
    sandbox.root,
    () => (runningInGroup(pgid).length === 0 ? true : undefined),
    20_000,
    () => runningInGroup(pgid).join('\n'),
  ).catch(() => undefined);
  const left = runningInGroup(pgid).length;
  reportFaults({ test, trials: 1, faults: 1, lost: left, doubled: 0 });
  expect(left).toBe(0);
}

describe('a worker that does not stop when told', () => {
  it('is stopped after its timeout even when it is itself stopped (SIGSTOP)', async () => {
    sandbox.writeConfig('default: sim\ntimeout_minutes: 0.03\nstop_on_timeout: true\n');
    const run = await sandbox.run(['--item', 'hang']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('item 1/1'),
    );
    process.kill(-(run.pid as number), 'SIGSTOP');
    await waitForCondition(sandbox.taskDir(run.id), () =>
      sandbox.events(run.id).find((e) => e.type === 'timed-out'),
    );
    await groupGone(
      run.pid as number,
      'stopped worker (SIGSTOP) times out; supervisor exits meanwhile',
    );
    expect((await sandbox.status(run.id)).state).toBe('timed-out');
  });

  it('is killed after its timeout when it ignores SIGTERM', async () => {
    const stubborn = join(REPO_ROOT, 'test/fixtures/ignore-sigterm.mjs');
    sandbox.writeConfig(
      `default: stubborn\ntimeout_minutes: 0.03\nstop_on_timeout: true\nbackends:\n  stubborn: { command: ${JSON.stringify(`node ${stubborn}`)} }\nmodels:\n  stubborn: {}\n`,
    );
    const run = await sandbox.run(['--item', 'x']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('grandchild pid'),
    );
    await waitForCondition(sandbox.taskDir(run.id), () =>
      sandbox.events(run.id).find((e) => e.type === 'timed-out'),
    );
    await groupGone(run.pid as number, 'worker ignoring SIGTERM times out');
  });

  it('is stopped by `dispatch cancel` when it is itself stopped (SIGSTOP)', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('item 1/1'),
    );
    process.kill(-(run.pid as number), 'SIGSTOP');
    expect((await sandbox.cli(['cancel', run.id])).code).toBe(0);
    await groupGone(run.pid as number, '`dispatch cancel` of a stopped worker (SIGSTOP)');
  });
});

describe('a worker whose wrapper is killed', () => {
  it('is reported running while the agent CLI runs on, and done when it finishes', async () => {
    const run = await sandbox.run(['--model', 'sim', '--item', 'sleep: 1.5', '--item', 'two']);
    await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
      text.includes('item 1/2'),
    );
    // Only the shell wrapper dies; the worker in its process group goes on.
    process.kill(run.pid as number, 'SIGKILL');
    await waitForCondition(sandbox.root, () =>
      runningInGroup(run.pid as number).some((line) => line.includes('sim')) &&
      !runningInGroup(run.pid as number).some((line) => line.includes('/bin/sh'))
        ? true
        : undefined,
    );
    expect((await sandbox.status(run.id)).state).toBe('running');
    await waitForCondition(sandbox.taskDir(run.id), () =>
      sandbox.events(run.id).find((e) => e.type === 'completed'),
    );
    const failed = sandbox.events(run.id).filter((e) => e.type === 'failed');
    reportFaults({
      test: 'wrapper killed, agent CLI runs on (false failures)',
      trials: 1,
      faults: 1,
      lost: failed.length,
      doubled: 0,
    });
    expect(failed).toEqual([]);
    expect((await sandbox.status(run.id)).state).toBe('done');
  });
});
