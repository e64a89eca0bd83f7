import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

describe('TaskStore: the task a user means', () => {
  it('resolves whole ids and unique starts, refuses shared starts, and knows the latest task', async () => {
    for (const id of ['review-auth', 'review-auth-2', 'fix-login'])
      await sandbox.run(['--model', 'sim', '--id', id, '--item', 'Look around']);
    const store = new TaskStore(sandbox.root, sandbox.env);

    expect(store.resolveId('review-auth')).toBe('review-auth');
    expect(store.resolveId('fix')).toBe('fix-login');
    expect(() => store.resolveId('rev')).toThrow(/"rev" is the start of several tasks/);
    expect(() => store.resolveId('nothing')).toThrow(/no task "nothing"/);
    expect(store.latestId()).toBe('fix-login');
  });

  it('has no latest task in an empty project', () => {
    expect(new TaskStore(sandbox.root, sandbox.env).latestId()).toBeUndefined();
  });
});
