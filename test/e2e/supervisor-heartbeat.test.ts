import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/sandbox.js';
import { isAlive } from '../helpers/processes.js';
import { waitForCondition } from '../helpers/wait-for.js';
import { reportFaults } from '../helpers/fault-trials.js';

let sandbox: Sandbox;
let stopped: number | undefined;
beforeEach(() => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_HEARTBEAT_MS: '200' });
});
afterEach(() => {
  if (stopped !== undefined) {
    try {
      process.kill(stopped, 'SIGKILL');
    } catch {
      // gone
    }
  }
  sandbox.cleanup();
});

describe('a supervisor that hangs', () => {
  it('is reported stale by doctor and replaced by the next command; the queue goes on', async () => {
    sandbox.writeConfig('default: sim\nmax_parallel: 1\n');
    // Long enough that its supervisor is still there to be seen on a busy machine (it leaves
    // once nothing is active).
    const first = await sandbox.run(['--item', 'sleep: 6']);
    const hung = await waitForCondition(sandbox.root, () => sandbox.supervisorPid());
    process.kill(hung, 'SIGSTOP');
    stopped = hung;
    const second = await sandbox.run(['--item', 'after the first']);
    expect(second.state).toBe('queued');
    // Its heartbeat (the lock file's mtime) stops: doctor says so, rather than "running".
    const lock = join(sandbox.root, 'supervisor.lock');
    await waitForCondition(sandbox.root, () =>
      Date.now() - statSync(lock).mtimeMs > 2500 ? true : undefined,
    );
    const doctor = (await sandbox.cli(['doctor'])).stdout;
    expect(doctor).toMatch(/supervisor.*not responding/);
    expect(doctor).toContain(`pid ${hung}`);
    // The next command takes over: a new supervisor starts the queued task.
    await sandbox.cli(['list']);
    const next = await waitForCondition(sandbox.root, () => {
      const pid = sandbox.supervisorPid();
      return pid !== undefined && pid !== hung ? pid : undefined;
    });
    expect(next).not.toBe(hung);
    const waited = await sandbox.cli(['wait', second.id, '--timeout', '30']);
    reportFaults({
      test: 'supervisor hangs (SIGSTOP); next command takes over',
      trials: 1,
      faults: 1,
      lost: waited.code === 0 ? 0 : 1,
      doubled: isAlive(hung) ? 1 : 0,
    });
    expect(waited.code).toBe(0);
    expect((await sandbox.status(first.id)).state).toBe('done');
    // The hung one is gone, so it cannot wake up and supervise next to its successor.
    expect(isAlive(hung)).toBe(false);
  });
});
