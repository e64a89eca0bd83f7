import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { isAlive } from '../helpers/processes.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

/**
 * Whatever a worker started leaves with it: a child in a session of its own and a double-forked
 * daemon are outside the worker's process group, so signalling the group misses them. They are
 * found by the task's marker in their environment and stopped on cancel, and after a normal
 * completion once a short grace has passed.
 */
const linux = process.platform === 'linux';
const fixture = join(REPO_ROOT, 'test/fixtures/spawn-detached.sh');

let sandbox: Sandbox;
const started: number[] = [];

beforeEach(() => {
  sandbox = new Sandbox({
    DISPATCH_LEFTOVER_GRACE_MS: '1000',
    DISPATCH_DONE_EXIT_GRACE_MS: '2000',
  });
});

afterEach(() => {
  // Only the pids this test's worker reported, never anything found by name.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already stopped, as it should be
    }
  }
  sandbox.cleanup();
});

/** Whether the supervisor has recorded the leftovers it stopped (after they were gone). */
const stopRecorded = (id: string): boolean =>
  sandbox.events(id).some((e) => e.type === 'processes-stopped');

function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Starts a task of the fixture worker and returns its detached children's pids. */
async function startDetached(argument: string): Promise<{ id: string; children: number[] }> {
  sandbox.writeConfig(
    `default: detach\nbackends:\n  detach: { command: ${JSON.stringify(`${fixture}${argument}`)} }\nmodels:\n  detach: {}\n`,
  );
  const run = await sandbox.run(['--item', 'leave something running']);
  const log = await waitForFile(join(sandbox.taskDir(run.id), 'worker.log'), (text) =>
    /^daemon pid \d+/m.test(text),
  );
  const children = [/^setsid child pid (\d+)/m, /^daemon pid (\d+)/m].map((pattern) =>
    Number(pattern.exec(log)?.[1]),
  );
  started.push(...children);
  for (const pid of children) {
    expect(isAlive(pid), `pid ${pid}`).toBe(true);
    // Outside the worker's group: a group signal cannot reach them.
    expect(processGroup(pid)).not.toBe(run.pid);
  }
  return { id: run.id, children };
}

describe.skipIf(!linux)('processes a worker leaves behind', () => {
  it('are stopped by cancel: a setsid child and a double-forked daemon', async () => {
    const { id, children } = await startDetached('');
    const cancelled = await sandbox.cli(['cancel', id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('stopped 2 more processes');
    for (const pid of children) expect(isAlive(pid), `pid ${pid} survived the cancel`).toBe(false);
    const stopped = sandbox.events(id).find((e) => e.type === 'processes-stopped');
    expect(stopped).toMatchObject({ after: 'cancel', count: 2 });
    expect((stopped?.processes as { pid: number }[]).map((p) => p.pid).sort()).toEqual(
      [...children].sort(),
    );
  });

  it.each([
    ['', ' finish'],
    [', also when it exits after the supervisor saw the task done', ' finish-late'],
  ])('are stopped a short grace after the worker finished normally%s', async (_, argument) => {
    const { id, children } = await startDetached(argument);
    const finished = await sandbox.cli(['wait', id, '--timeout', '20']);
    expect(finished.code, finished.stdout).toBe(0);
    expect((await sandbox.status(id)).state).toBe('done');
    await waitForCondition(
      sandbox.taskDir(id),
      // The record is written once they are gone: wait for both.
      () => (children.every((pid) => !isAlive(pid)) && stopRecorded(id) ? true : undefined),
      15_000,
      () => `still running: ${children.filter(isAlive).join(', ')}`,
    );
    expect(sandbox.events(id).find((e) => e.type === 'processes-stopped')).toMatchObject({
      after: 'completion',
      attempt: 1,
      count: 2,
    });
  });

  it('a worker still running after it marked the task done is stopped, with what it left', async () => {
    const { id, children } = await startDetached(' finish-linger');
    const finished = await sandbox.cli(['wait', id, '--timeout', '20']);
    expect(finished.code, finished.stdout).toBe(0);
    const worker = (await sandbox.status(id)).pid as number;
    expect(isAlive(worker)).toBe(true);
    await waitForCondition(
      sandbox.taskDir(id),
      () =>
        [worker, ...children].every((pid) => !isAlive(pid)) && stopRecorded(id) ? true : undefined,
      20_000,
      () => `still running: ${[worker, ...children].filter(isAlive).join(', ')}`,
    );
    const stops = sandbox.events(id).filter((e) => e.type === 'stopped-after-done');
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ attempt: 1, pid: worker, graceSeconds: 2 });
    expect(sandbox.events(id).find((e) => e.type === 'processes-stopped')).toMatchObject({
      after: 'completion',
      attempt: 1,
      count: 2,
    });
    const status = await sandbox.status(id);
    expect(status.state).toBe('done');
    // Nothing is left to supervise: the supervisor exits.
    await waitForCondition(
      sandbox.taskDir(id),
      () => (sandbox.supervisorPid() === undefined ? true : undefined),
      15_000,
      () => 'the supervisor is still running',
    );
  });
});
