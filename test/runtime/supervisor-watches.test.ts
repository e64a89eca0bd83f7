import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigParser } from '../../src/runtime/config-file.js';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { Supervisor } from '../../src/runtime/supervisor/supervisor.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * The supervisor keeps inotify watches on live tasks only: a finished task's watches are given
 * back, and a new attempt of it (here `dispatch continue`) is seen through the tasks/ folder.
 */
let sandbox: Sandbox;
let supervisor: Supervisor | undefined;
const log: string[] = [];

beforeEach(async () => {
  sandbox = new Sandbox();
  await loadConfigParser();
  log.length = 0;
});

afterEach(() => {
  supervisor?.stop();
  supervisor = undefined;
  sandbox.cleanup();
});

function startSupervisor(): Supervisor {
  const store = new TaskStore(sandbox.root, sandbox.env);
  store.ensureRoot();
  // It stays when idle: the first task comes after it starts.
  supervisor = new Supervisor(store, () => loadConfig(sandbox.env), { idleExitMs: 10 * 60_000 });
  supervisor.on('log', (line) => log.push(line));
  expect(supervisor.start()).toBe(true);
  return supervisor;
}

const exitOf = (attempt: number) => (event: { type: string; attempt?: unknown }) =>
  event.type === 'exited' && event.attempt === attempt;

describe('what the supervisor watches', () => {
  it('gives back the watches of a finished task and watches it again for a new attempt', async () => {
    sandbox.writeConfig('default: sim\n');
    const watching = startSupervisor();
    const done = await sandbox.run(['--item', 'write: a.txt = a']);
    const live = await sandbox.run(['--item', 'hang']);
    const watched = () => watching.watchedTaskIds().sort();
    const detail = () => `watched: ${watched().join(', ')}\nsupervisor: ${log.join('\n')}`;

    // The finished one is recorded (its exit) and then no longer watched; the live one is.
    await waitForCondition(
      sandbox.taskDir(done.id),
      () =>
        sandbox.events(done.id).some(exitOf(1)) && !watched().includes(done.id) ? true : undefined,
      20_000,
      detail,
    );
    expect(watched(), `${JSON.stringify(await sandbox.status(live.id))}\n${detail()}`).toEqual([
      live.id,
    ]);

    // A new attempt that asks: only the supervisor records the question in the history, so it
    // must have seen the attempt, and it watches the task again while it is live.
    const continued = await sandbox.cli([
      'continue',
      done.id,
      'One more thing',
      '--item',
      'ask: Which one?',
    ]);
    expect(continued.code, continued.stderr).toBe(0);
    await waitForCondition(
      sandbox.taskDir(done.id),
      () => (sandbox.events(done.id).some((e) => e.type === 'question') ? true : undefined),
      20_000,
      detail,
    );
    expect(watched()).toEqual([done.id, live.id].sort());
  }, 60_000);
});
