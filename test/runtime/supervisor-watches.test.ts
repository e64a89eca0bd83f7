import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, loadConfigParser } from '../../src/runtime/config-file.js';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { Supervisor } from '../../src/runtime/supervisor/supervisor.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * The supervisor keeps inotify watches on live tasks only: a finished task's watches are given
 * back, and a new attempt of it (here `dispatch continue`) is seen through the tasks/ folder.
 */
// Every fs.watch call is counted (and made): what a start costs in watches, not only what is left.
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return { ...actual, watch: vi.fn(actual.watch) };
});

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

  it('never watches the folders of tasks that finished before it started, not even while starting', async () => {
    sandbox.writeConfig('default: sim\n');
    const first = startSupervisor();
    const finished: { id: string }[] = [];
    for (let i = 0; i < 3; i++) finished.push(await sandbox.run(['--item', 'write: a.txt = a']));
    await waitForCondition(
      sandbox.root,
      () =>
        finished.every((task) => sandbox.events(task.id).some(exitOf(1))) &&
        first.watchedTaskIds().length === 0
          ? true
          : undefined,
      20_000,
      () => log.join('\n'),
    );
    first.stop();
    supervisor = undefined;

    const watchCalls = vi.mocked(fs.watch);
    watchCalls.mockClear();
    const second = startSupervisor();
    const watchedPaths = watchCalls.mock.calls.map(([path]) => String(path));
    // tasks/ itself, and no task folder: 2 watches a task would exhaust 8,192 at 4,096 tasks.
    expect(watchedPaths).toEqual([join(sandbox.root, 'tasks')]);
    expect(second.watchedTaskIds()).toEqual([]);

    // A new attempt of one of them is still seen, through tasks/.
    const [again] = finished;
    const continued = await sandbox.cli([
      'continue',
      again!.id,
      'Once more',
      '--item',
      'ask: Which?',
    ]);
    expect(continued.code, continued.stderr).toBe(0);
    await waitForCondition(
      sandbox.taskDir(again!.id),
      () => (sandbox.events(again!.id).some((e) => e.type === 'question') ? true : undefined),
      20_000,
      () => log.join('\n'),
    );
    expect(second.watchedTaskIds()).toEqual([again!.id]);
  }, 60_000);
});
