import { statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Supervisor } from '../../src/runtime/supervisor/supervisor.js';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { loadConfig, loadConfigParser } from '../../src/runtime/config-file.js';
import { isProcessAlive } from '../../src/runtime/process/process-info.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * The supervisor in this process, on a manual clock: an hour of inactivity, the idle exit and
 * the heartbeat are checked by moving time, while the task folders, the worker and the file
 * watching stay real. The supervisor takes the root's lock first, so the CLI starts none.
 */
let sandbox: Sandbox;
let clock: ManualClock;
let supervisor: Supervisor | undefined;
let exited = false;
const log: string[] = [];

beforeEach(async () => {
  sandbox = new Sandbox({ DISPATCH_SUPERVISOR_HEARTBEAT_MS: '60000' });
  await loadConfigParser();
  clock = new ManualClock();
  log.length = 0;
  exited = false;
});

afterEach(() => {
  // The lock names this process; it must be released before the sandbox kills lock owners.
  supervisor?.stop();
  supervisor = undefined;
  sandbox.cleanup();
});

function startSupervisor(): Supervisor {
  const store = new TaskStore(sandbox.root, sandbox.env);
  supervisor = new Supervisor(store, () => loadConfig(sandbox.env), {
    clock,
    idleExitMs: 5_000,
  });
  supervisor.on('log', (line) => log.push(line));
  supervisor.on('exit', () => {
    exited = true;
  });
  store.ensureRoot();
  expect(supervisor.start()).toBe(true);
  return supervisor;
}

describe('the supervisor on a manual clock', () => {
  it('stops a worker silent for its whole inactivity limit, not a minute before', async () => {
    sandbox.writeConfig('default: sim\ntimeout_minutes: 60\nstop_on_timeout: true\n');
    startSupervisor();
    const run = await sandbox.run(['--item', 'hang']);
    expect(run.pid).toEqual(expect.any(Number));
    // The supervisor has seen the running worker once it arms the hour's timer.
    await waitForCondition(
      sandbox.taskDir(run.id),
      () => (clock.pending().some((ms) => ms > 59 * 60_000) ? true : undefined),
      15_000,
      () => `timers: ${clock.pending().join(', ')}\nsupervisor: ${log.join('\n')}`,
    );

    clock.advance(59 * 60_000);
    expect(sandbox.events(run.id).some((event) => event.type === 'timed-out')).toBe(false);
    expect(isProcessAlive(run.pid as number)).toBe(true);

    clock.advance(2 * 60_000);
    expect(sandbox.events(run.id)).toContainEqual(
      expect.objectContaining({ type: 'timed-out', idleMinutes: 60, stopped: true }),
    );
    // The worker is stopped for real (SIGTERM, then SIGKILL if it lingers).
    await waitForCondition(sandbox.taskDir(run.id), () =>
      isProcessAlive(run.pid as number) ? undefined : true,
    );
    expect(log.some((line) => line.includes('no activity for 60 minutes'))).toBe(true);
  });

  it('exits when idle only after its idle time has passed on its clock', () => {
    startSupervisor();
    clock.advance(4_900);
    expect(exited).toBe(false);
    clock.advance(200);
    expect(exited).toBe(true);
    expect(log.at(-1)).toContain('nothing left to supervise');
  });

  it('beats its lock on its clock and stays while a task is live', async () => {
    sandbox.writeConfig('default: sim\n');
    startSupervisor();
    await sandbox.run(['--item', 'hang']);
    const lock = join(sandbox.root, 'supervisor.lock');
    const longAgo = new Date(Date.now() - 3600_000);
    utimesSync(lock, longAgo, longAgo);
    // Live work keeps it: ten minutes pass with heartbeats (one a minute here) and no idle exit.
    clock.advance(10 * 60_000);
    expect(exited).toBe(false);
    expect(statSync(lock).mtimeMs).toBeGreaterThan(longAgo.getTime() + 60_000);
  });
});
