import { appendFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinConfig } from '../../../src/core/config/builtin-config.js';
import type { Config } from '../../../src/core/config/config-types.js';
import { schedulableTasks } from '../../../src/runtime/scheduler/schedulable-tasks.js';
import { SchedulingCache } from '../../../src/runtime/scheduler/scheduling-cache.js';
import { startRunnableTasks } from '../../../src/runtime/scheduler/start-runnable.js';
import { TaskStore } from '../../../src/runtime/store/task-store.js';
import { dispatchTasks } from '../../../src/runtime/tasks/dispatch-task.js';
import { Sandbox } from '../../helpers/sandbox.js';
import { waitForCondition } from '../../helpers/wait-for.js';

let sandbox: Sandbox;
let store: TaskStore;
beforeEach(() => {
  sandbox = new Sandbox();
  store = new TaskStore(sandbox.root, sandbox.env);
});
afterEach(() => sandbox.cleanup());

const oneAtATime = (): Config => ({ ...builtinConfig(), maxParallel: 1 });

/** Done, and its worker's exit recorded: nothing about the task depends on a live process. */
function untilDone(id: string): Promise<string> {
  return waitForCondition(
    sandbox.taskDir(id),
    () =>
      store.status(id).state === 'done' && sandbox.events(id).some((e) => e.type === 'exited')
        ? 'done'
        : undefined,
    20_000,
    () => `${id} is ${store.status(id).state}`,
  );
}

describe('the scheduling cache of a long-lived scheduler', () => {
  it('keeps queued and finished tasks while their files are unchanged, never a running one', async () => {
    const config = oneAtATime();
    dispatchTasks(store, config, [
      { id: 'first', items: ['write: a.txt = a'], cwd: sandbox.project },
      { id: 'second', items: ['write: b.txt = b'], cwd: sandbox.project },
    ]);
    // A fan-out leaves its tasks to the supervisor's pass, run here in its place.
    expect(startRunnableTasks(store, config).started).toEqual(['first']);
    const cache = new SchedulingCache();
    const states = () =>
      Object.fromEntries(schedulableTasks(store, config, cache).tasks.map((t) => [t.id, t.state]));
    expect(states()).toEqual({ first: 'running', second: 'queued' });
    expect(cache.reading('first', store.files('first'))).toBeUndefined();
    expect(cache.reading('second', store.files('second'))?.state).toBe('queued');

    await untilDone('first');
    expect(states()).toEqual({ first: 'done', second: 'queued' });
    expect(cache.reading('first', store.files('first'))?.state).toBe('done');

    // The pass with the cache starts the second exactly as one without it would.
    expect(startRunnableTasks(store, config, cache).started).toEqual(['second']);
    expect(cache.reading('second', store.files('second'))).toBeUndefined();
    await untilDone('second');
    expect(states()).toEqual({ first: 'done', second: 'done' });
  });

  it('reads a task again once one of its files changed', async () => {
    const config = oneAtATime();
    dispatchTasks(store, config, [
      { id: 'only', items: ['write: a.txt = a'], cwd: sandbox.project },
    ]);
    await untilDone('only');
    const cache = new SchedulingCache();
    schedulableTasks(store, config, cache);
    expect(cache.reading('only', store.files('only'))?.state).toBe('done');
    // A new attempt announced in the history (as `dispatch retry` writes it under the lock).
    appendFileSync(
      store.files('only').events,
      `${JSON.stringify({ type: 'queued', time: new Date().toISOString(), attempt: 2 })}\n`,
    );
    expect(cache.reading('only', store.files('only'))).toBeUndefined();
    expect(schedulableTasks(store, config, cache).tasks.find((t) => t.id === 'only')?.state).toBe(
      schedulableTasks(store, config).tasks.find((t) => t.id === 'only')?.state,
    );
  });

  it('forgets a task whose folder is gone', async () => {
    const config = oneAtATime();
    dispatchTasks(store, config, [
      { id: 'gone', items: ['write: a.txt = a'], cwd: sandbox.project },
    ]);
    await untilDone('gone');
    const cache = new SchedulingCache();
    schedulableTasks(store, config, cache);
    const files = store.files('gone');
    expect(cache.reading('gone', files)?.state).toBe('done');
    rmSync(sandbox.taskDir('gone'), { recursive: true });
    expect(schedulableTasks(store, config, cache).tasks).toEqual([]);
    expect(cache.reading('gone', files)).toBeUndefined();
  });
});
