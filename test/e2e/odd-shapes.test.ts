import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LongRunning } from '../helpers/long-running.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

const FAILING = join(REPO_ROOT, 'test/fixtures/exit-immediately.sh');

let sandbox: Sandbox;
let waiting: LongRunning | undefined;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => {
  waiting?.kill();
  waiting = undefined;
  sandbox.cleanup();
});

describe('odd shapes', () => {
  it('runs a backend command that starts with exec and keeps its exit status', async () => {
    sandbox.writeConfig(
      `default: failing\nbackends:\n  failing: { command: "exec sh ${FAILING}" }\nmodels:\n  failing: {}\n`,
    );
    const doctor = await sandbox.cli(['doctor']);
    expect(doctor.stdout).not.toMatch(/`?exec`? is not on PATH|exec.*not found/);
    await sandbox.run(['--id', 'execd', '--item', 'Do it']);
    const waited = await sandbox.cli(['wait', 'execd', '--timeout', '30']);
    expect(waited.code, waited.stdout + waited.stderr).toBe(3);
    const status = await sandbox.status('execd');
    expect(status.state).toBe('failed');
    expect(status.reason).toContain('worker exited with code 1');
    expect(sandbox.events('execd')).toContainEqual(
      expect.objectContaining({ type: 'exited', code: 1 }),
    );
  });

  it('lists a task whose plan.md is a folder, with the problem named', async () => {
    await sandbox.run(['--model', 'sim', '--id', 'odd', '--item', 'Look around']);
    await sandbox.cli(['wait', 'odd', '--timeout', '30']);
    const plan = join(sandbox.taskDir('odd'), 'plan.md');
    rmSync(plan);
    mkdirSync(plan);
    const list = await sandbox.cli(['list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('odd');
    const status = await sandbox.cli(['status', 'odd']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).not.toMatch(/internal error/);
    expect(status.stdout).toContain(`${plan} is a folder, not a file`);
    const json = JSON.parse((await sandbox.cli(['status', '--json'])).stdout) as { id: string }[];
    expect(json.map((task) => task.id)).toEqual(['odd']);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'wait reports a task whose folder was removed as removed (exit 4), not as timed out',
    async () => {
      // Queued behind a task that never ends: no worker of its own whose end the wait could
      // report first.
      await sandbox.run(['--model', 'sim', '--id', 'blocker', '--item', 'hang']);
      await sandbox.run(['--model', 'sim', '--id', 'doomed', '--after', 'blocker', '--item', 'x']);
      waiting = new LongRunning(['wait', 'doomed', '--timeout', '60'], {
        cwd: sandbox.project,
        env: sandbox.env,
      });
      // Once the wait watches the files (an inotify descriptor on Linux), it has read the task:
      // remove the folder from under it.
      await waitForCondition(`/proc/${waiting.child.pid}/fd`, () =>
        readdirSync(`/proc/${waiting?.child.pid}/fd`).some((fd) => {
          try {
            return readlinkSync(`/proc/${waiting?.child.pid}/fd/${fd}`).includes('inotify');
          } catch {
            return false;
          }
        })
          ? true
          : undefined,
      );
      rmSync(sandbox.taskDir('doomed'), { recursive: true, force: true });
      const exit = await waiting.waitForExit(30_000);
      expect(exit.code, waiting.output).toBe(4);
      expect(waiting.stderr).toMatch(/doomed: removed: its folder .* was deleted while waiting/);
      expect(waiting.output).not.toMatch(/timed out|timed-out|Still working/);
    },
    60_000,
  );
});
