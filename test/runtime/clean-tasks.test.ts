import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { cleanTasks } from '../../src/runtime/tasks/clean-tasks.js';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

const DAY = 24 * 60 * 60_000;

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  initRepo(sandbox.project, { 'a.txt': 'a\n' });
});
afterEach(() => sandbox.cleanup());

describe('cleanTasks', () => {
  it('removes finished tasks past the age with their worktrees; never a running one; asks before dropping work', async () => {
    const done = await sandbox.run(['--model', 'sim', '--item', 'Look around']);
    const merged = await sandbox.run([
      '--model',
      'sim',
      '--worktree',
      '--item',
      'write: m.txt = m',
    ]);
    const unmerged = await sandbox.run([
      '--model',
      'sim',
      '--worktree',
      '--item',
      'write: u.txt = u',
    ]);
    await sandbox.waitForDone([done.id, merged.id, unmerged.id]);
    expect((await sandbox.cli(['merge', merged.id])).code).toBe(0);
    const running = await sandbox.run(['--model', 'sim', '--item', 'hang']);
    const store = new TaskStore(sandbox.root, sandbox.env);

    // Nothing is old enough today.
    expect((await cleanTasks(store)).removed).toEqual([]);

    const later = Date.now() + 8 * DAY;
    const dry = await cleanTasks(store, { now: later, dryRun: true });
    expect(dry.removed.map((t) => t.id).sort()).toEqual([done.id, merged.id].sort());
    expect(dry.kept).toEqual([
      { id: unmerged.id, reason: expect.stringContaining('would ask first') },
    ]);
    expect(sandbox.taskIds().sort()).toEqual([done.id, merged.id, unmerged.id, running.id].sort());

    const questions: string[] = [];
    const result = await cleanTasks(store, {
      now: later,
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(result.removed.map((t) => t.id).sort()).toEqual([done.id, merged.id].sort());
    expect(result.removed.find((t) => t.id === merged.id)?.worktree).toMatchObject({
      branch: `dispatch/${merged.id}`,
      unmerged: 0,
    });
    expect(questions).toEqual([
      expect.stringContaining(`Task ${unmerged.id}'s worktree holds 1 uncommitted change`),
    ]);
    expect(result.kept.map((t) => t.id)).toEqual([unmerged.id]);
    expect(sandbox.taskIds().sort()).toEqual([unmerged.id, running.id].sort());
    expect(existsSync(join(sandbox.root, 'worktrees', merged.id))).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', `dispatch/${merged.id}`])).toBe('');
    // No staging leftovers.
    expect(readdirSync(join(sandbox.root, 'tasks')).filter((n) => n.startsWith('.'))).toEqual([]);

    const forced = await cleanTasks(store, { allFinished: true, yes: true });
    expect(forced.removed.map((t) => t.id)).toEqual([unmerged.id]);
    expect(sandbox.taskIds()).toEqual([running.id]);
    expect(gitIn(sandbox.project, ['branch', '--list', `dispatch/${unmerged.id}`])).toBe('');
  });

  it('never runs git on the worktree a tampered task.json names', async () => {
    const { id } = await sandbox.run(['--model', 'sim', '--worktree', '--item', 'Look around']);
    await sandbox.waitForDone([id]);
    const outside = join(sandbox.dir, 'outside');
    mkdirSync(outside);
    initRepo(outside, { 'keep.txt': 'keep\n' });
    gitIn(outside, ['worktree', 'add', '-q', '-b', 'victim', join(sandbox.dir, 'victim-tree')]);
    const metaFile = join(sandbox.taskDir(id), 'task.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    meta.worktree = {
      ...meta.worktree,
      repo: outside,
      path: join(sandbox.dir, 'victim-tree'),
      branch: 'victim',
    };
    writeFileSync(metaFile, JSON.stringify(meta));

    const result = await cleanTasks(new TaskStore(sandbox.root, sandbox.env), {
      allFinished: true,
      yes: true,
    });
    expect(result.removed).toEqual([expect.objectContaining({ id, worktree: null })]);
    expect(existsSync(join(sandbox.dir, 'victim-tree', 'keep.txt'))).toBe(true);
    expect(gitIn(outside, ['branch', '--list', 'victim'])).toContain('victim');
  });
});
