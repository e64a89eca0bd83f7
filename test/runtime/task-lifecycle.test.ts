import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinConfig } from '../../src/core/config/builtin-config.js';
import type { Config } from '../../src/core/config/config-types.js';
import { startRunnableTasks } from '../../src/runtime/scheduler/start-runnable.js';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { answerTask } from '../../src/runtime/tasks/answer-task.js';
import { dispatchTasks } from '../../src/runtime/tasks/dispatch-task.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * Create, schedule and answer, called in this process against a throwaway project: no CLI and
 * no supervisor in between (the workers are real simulated-worker processes). What the
 * supervisor adds on top is tested on a manual clock in supervisor-clock.test.ts.
 */
let sandbox: Sandbox;
let store: TaskStore;
beforeEach(() => {
  sandbox = new Sandbox();
  store = new TaskStore(sandbox.root, sandbox.env);
});
afterEach(() => sandbox.cleanup());

function configWith(maxParallel: number | undefined): Config {
  return { ...builtinConfig(), maxParallel };
}

function stateOf(id: string): string {
  return store.status(id).state;
}

function untilState(id: string, states: string[]): Promise<string> {
  return waitForCondition(
    sandbox.taskDir(id),
    () => (states.includes(stateOf(id)) ? stateOf(id) : undefined),
    20_000,
    () => `${id} is ${stateOf(id)}`,
  );
}

describe('create and schedule', () => {
  it('creates every task whole, starts what one slot allows, and the next when it frees', async () => {
    const config = configWith(1);
    const results = dispatchTasks(store, config, [
      { id: 'first', items: ['write: a.txt = a'], cwd: sandbox.project },
      { id: 'second', items: ['write: b.txt = b'], cwd: sandbox.project },
    ]);
    expect(results.map((result) => result.meta.id)).toEqual(['first', 'second']);
    expect(store.listIds().sort()).toEqual(['first', 'second']);
    // A fan-out leaves its tasks to the supervisor's pass, run here in its place.
    expect(stateOf('first')).toBe('queued');
    expect(startRunnableTasks(store, config).started).toEqual(['first']);
    expect(stateOf('second')).toBe('queued');

    await untilState('first', ['done']);
    // The slot is free; nothing starts the second until the scheduler runs.
    expect(stateOf('second')).toBe('queued');
    const outcome = startRunnableTasks(store, config);
    expect(outcome.started).toEqual(['second']);
    await untilState('second', ['done']);
    // Started exactly once.
    expect(sandbox.events('second').filter((event) => event.type === 'spawned')).toHaveLength(1);
    expect(startRunnableTasks(store, config).started).toEqual([]);
  });
});

describe('answer', () => {
  it('delivers the answer to the waiting worker once, and refuses a second answer', async () => {
    const [created] = dispatchTasks(store, configWith(undefined), [
      {
        id: 'asks',
        items: ['ask: Which database?', 'Write the summary'],
        cwd: sandbox.project,
      },
    ]);
    expect(created?.meta.id).toBe('asks');
    await untilState('asks', ['waiting']);
    expect(store.status('asks').question?.text).toContain('Which database?');

    const answered = answerTask(store, { id: 'asks', text: 'PostgreSQL', by: 'test' });
    expect(answered).toMatchObject({ seq: 1, resumed: false });
    // Refused whether the worker is still reading it or has already finished.
    expect(() => answerTask(store, { id: 'asks', seq: 1, text: 'MySQL', by: 'test' })).toThrow(
      /already|no question/i,
    );
    await untilState('asks', ['done']);
    expect(sandbox.read('asks', 'ipc/001.answer').trimEnd()).toBe('PostgreSQL');
  });
});
