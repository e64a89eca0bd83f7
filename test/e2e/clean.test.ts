import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
  initRepo(sandbox.project, { 'a.txt': 'a\n' });
});
afterEach(() => sandbox.cleanup());

describe('dispatch clean', () => {
  it('keeps young tasks by default, shows a dry run, removes finished tasks and their worktrees, never a running one', async () => {
    const done = await sandbox.run(['--model', 'sim', '--item', 'Look around']);
    const held = await sandbox.run(['--model', 'sim', '--worktree', '--item', 'write: w.txt = w']);
    await sandbox.waitForDone([done.id, held.id]);
    const running = await sandbox.run(['--model', 'sim', '--item', 'hang']);

    const young = await sandbox.cli(['clean']);
    expect(young.code, young.stderr).toBe(0);
    expect(young.stdout).toContain('Nothing to remove');
    expect(sandbox.taskIds()).toHaveLength(3);

    const dry = await sandbox.cli(['clean', '--older-than', '0m', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { removed: { id: string }[]; kept: { id: string }[] };
    expect(plan.removed.map((t) => t.id)).toEqual([done.id]);
    expect(plan.kept.map((t) => t.id)).toEqual([held.id]);
    expect(sandbox.taskIds()).toHaveLength(3);

    // No terminal to ask on: the worktree holding uncommitted work is kept, and says why.
    const cleaned = await sandbox.cli(['clean', '--all-finished']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(cleaned.stdout).toContain(`Removed 1 finished task:\n  ${done.id} (done)`);
    expect(cleaned.stdout).toContain(`kept ${held.id}: its worktree holds 1 uncommitted change`);
    expect(sandbox.taskIds().sort()).toEqual([held.id, running.id].sort());

    const forced = await sandbox.cli(['clean', '--all-finished', '--yes']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(`${held.id} (done) with worktree`);
    expect(sandbox.taskIds()).toEqual([running.id]);
    expect(existsSync(join(sandbox.root, 'worktrees', held.id))).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', `dispatch/${held.id}`])).toBe('');

    const bad = await sandbox.cli(['clean', '--older-than', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than takes an age such as 7d');
  });
});
