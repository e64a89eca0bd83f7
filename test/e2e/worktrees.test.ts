import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { REPO_ROOT } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';

const EDITOR = join(REPO_ROOT, 'test/fixtures/edit-line-then-sim.mjs');
const BASE = 'line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

/** A generic backend whose worker changes one line of shared.txt, then works the plan. */
function editor(line: number, text: string): string {
  return JSON.stringify(`${process.execPath} ${EDITOR} shared.txt ${line} ${JSON.stringify(text)}`);
}

describe('worktrees', () => {
  it('runs three tasks in worktrees; diff, merge two, and report the conflict of the third', async () => {
    const base = initRepo(sandbox.project, { 'shared.txt': BASE });
    sandbox.writeConfig(
      [
        'default: sim',
        'backends:',
        `  top-a: { command: ${editor(1, 'line 1 by task A')}, type: generic }`,
        `  bottom-b: { command: ${editor(6, 'line 6 by task B')}, type: generic }`,
        `  top-c: { command: ${editor(1, 'line 1 by task C')}, type: generic }`,
        'models:',
        '  edit-a: { backend: top-a }',
        '  edit-b: { backend: bottom-b }',
        '  edit-c: { backend: top-c }',
      ].join('\n'),
    );
    // One plan file, three tasks; each names its model and asks for a worktree in its own words.
    writeFileSync(
      join(sandbox.project, 'tasks.md'),
      [
        '# Task A',
        'Use edit-a, in a worktree.',
        '- [ ] Change the first line',
        '',
        '# Task B',
        'Use edit-b in a worktree.',
        '- [ ] Change the last line',
        '',
        '# Task C',
        'edit-c, worktree',
        '- [ ] Change the first line differently',
        '',
      ].join('\n'),
    );
    const runs = (await sandbox.run(['--plan-file', 'tasks.md'])) as unknown as {
      id: string;
      model: string;
      worktree: { path: string; branch: string; base: string; repo: string };
    }[];
    expect(runs.map((r) => [r.id, r.model])).toEqual([
      ['task-a', 'edit-a'],
      ['task-b', 'edit-b'],
      ['task-c', 'edit-c'],
    ]);
    for (const run of runs) {
      expect(run.worktree).toEqual({
        path: join(sandbox.root, 'worktrees', run.id),
        branch: `dispatch/${run.id}`,
        base,
        repo: gitIn(sandbox.project, ['rev-parse', '--show-toplevel']).trim(),
      });
      // The task folder stays in the main .dispatch/, beside the worktrees.
      expect(existsSync(join(sandbox.taskDir(run.id), 'plan.md'))).toBe(true);
    }
    await sandbox.waitForDone(runs.map((r) => r.id));

    // Each worker changed its own checkout; the main folder is untouched.
    expect(readFileSync(join(sandbox.project, 'shared.txt'), 'utf8')).toBe(BASE);
    expect(readFileSync(join(sandbox.root, 'worktrees/task-c/shared.txt'), 'utf8')).toContain(
      'line 1 by task C',
    );
    // The worktrees folder is ignored by git in the main repository.
    expect(gitIn(sandbox.project, ['status', '--porcelain', '--untracked-files=all'])).not.toMatch(
      /worktrees/,
    );

    const diff = await sandbox.cli(['diff', 'task-a']);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('Committed on dispatch/task-a');
    expect(diff.stdout).toContain('0 commits');
    expect(diff.stdout).toContain('Uncommitted in the worktree: 1 file');
    expect(diff.stdout).toContain('-line 1\n+line 1 by task A');
    // Diff commits nothing.
    expect(gitIn(join(sandbox.root, 'worktrees/task-a'), ['status', '--porcelain'])).toContain(
      'shared.txt',
    );

    const first = await sandbox.cli(['merge', 'task-a']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Committed the changes the worker left uncommitted');
    expect(first.stdout).toContain('Merged dispatch/task-a into main');
    const second = await sandbox.cli(['merge', 'task-b', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'merged', into: 'main' });
    expect(readFileSync(join(sandbox.project, 'shared.txt'), 'utf8')).toBe(
      BASE.replace('line 1', 'line 1 by task A').replace('line 6', 'line 6 by task B'),
    );
    const log = gitIn(sandbox.project, ['log', '--format=%s', 'main']);
    expect(log).toContain('Merge dispatch/task-a: Task A');
    expect(log).toContain('dispatch: commit the changes task task-a left uncommitted');

    const third = await sandbox.cli(['merge', 'task-c']);
    expect(third.code).toBe(6);
    expect(third.stderr).toContain(
      'merging dispatch/task-c into main stopped on conflicts in: shared.txt',
    );
    expect(third.stderr).toContain('git merge --abort');
    // Left as git leaves it: mid-merge, the file conflicted, with markers.
    expect(gitIn(sandbox.project, ['diff', '--name-only', '--diff-filter=U']).trim()).toBe(
      'shared.txt',
    );
    expect(existsSync(join(sandbox.project, '.git', 'MERGE_HEAD'))).toBe(true);
    expect(readFileSync(join(sandbox.project, 'shared.txt'), 'utf8')).toMatch(
      /<<<<<<< HEAD\nline 1 by task A\n=======\nline 1 by task C\n>>>>>>> dispatch\/task-c/,
    );
    // Finished tasks keep their worktrees until discarded.
    for (const run of runs) expect(existsSync(run.worktree.path)).toBe(true);
    const events = sandbox.events('task-a').filter((e) => e.type === 'worktree');
    expect(events.map((e) => e.action)).toEqual(['committed', 'merged']);
  });

  it("keeps .dispatch/ out of the repository: it ignores itself, and a user's own ignore file stays", async () => {
    initRepo(sandbox.project, { 'README.md': 'project\n' });
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'write: out.txt = made']);
    await sandbox.waitForDone([id]);
    // Only the worker's own file shows; nothing of .dispatch/ does, even to `git add -A`.
    expect(gitIn(sandbox.project, ['status', '--porcelain', '--untracked-files=all'])).toBe(
      '?? out.txt\n',
    );
    gitIn(sandbox.project, ['add', '-A']);
    expect(gitIn(sandbox.project, ['diff', '--cached', '--name-only'])).toBe('out.txt\n');
    expect(readFileSync(join(sandbox.root, '.gitignore'), 'utf8')).toBe('*\n');

    writeFileSync(join(sandbox.root, '.gitignore'), '# mine\n*\n');
    await sandbox.run(['--model', 'sim', '--item', 'Look around']);
    expect(readFileSync(join(sandbox.root, '.gitignore'), 'utf8')).toBe('# mine\n*\n');
  });

  it('discards a worktree only with --yes when it holds unmerged work', async () => {
    initRepo(sandbox.project, { 'README.md': 'hello\n' });
    const run = await sandbox.run([
      '--model',
      'sim',
      '--worktree',
      '--title',
      'Scratch',
      '--item',
      'write: notes.txt = draft',
    ]);
    await sandbox.waitForDone([run.id]);
    const tree = join(sandbox.root, 'worktrees', run.id);

    const refused = await sandbox.cli(['discard', run.id]);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('refusing to discard task scratch');
    expect(refused.stderr).toContain('1 uncommitted change');
    expect(refused.stderr).toContain('--yes');
    expect(existsSync(join(tree, 'notes.txt'))).toBe(true);

    const removed = await sandbox.cli(['discard', run.id, '--yes']);
    expect(removed.code).toBe(0);
    expect(existsSync(tree)).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', 'dispatch/*']).trim()).toBe('');
    expect(gitIn(sandbox.project, ['worktree', 'list']).trim().split('\n')).toHaveLength(1);
    // The task record stays.
    expect((await sandbox.status(run.id)).state).toBe('done');
    expect(sandbox.events(run.id).at(-1)).toMatchObject({ type: 'worktree', action: 'discarded' });
  });

  it('discards a merged worktree without asking', async () => {
    initRepo(sandbox.project, { 'README.md': 'hello\n' });
    const run = await sandbox.run(['--model', 'sim', '--worktree', '--item', 'write: a.txt = 1']);
    await sandbox.waitForDone([run.id]);
    expect((await sandbox.cli(['merge', run.id])).code).toBe(0);
    const discarded = await sandbox.cli(['discard', run.id]);
    expect(discarded.code).toBe(0);
    expect(readFileSync(join(sandbox.project, 'a.txt'), 'utf8')).toBe('1\n');
  });

  it('refuses a worktree outside a git repository and leaves nothing behind', async () => {
    const result = await sandbox.cli(['run', '--model', 'sim', '--worktree', '--item', 'x']);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('is not inside a git repository');
    expect(result.stderr).toContain('--worktree');
    expect(sandbox.taskIds()).toEqual([]);
    // The same from the task's own words.
    const fromText = await sandbox.cli(['run', '--model', 'sim', 'Tidy up, in a worktree']);
    expect(fromText.code).toBe(6);
    expect(fromText.stderr).toContain('The task text asks for a worktree');
  });

  it('refuses to merge a task that is still running, and a task without a worktree', async () => {
    initRepo(sandbox.project, { 'README.md': 'hello\n' });
    const run = await sandbox.run(['--model', 'sim', '--worktree', '--item', 'ask: Ready?']);
    const busy = await sandbox.cli(['merge', run.id]);
    expect(busy.code).toBe(6);
    expect(busy.stderr).toMatch(/is (running|waiting); cannot merge it yet/);
    const plain = await sandbox.run([
      '--model',
      'sim',
      '--no-worktree',
      '--item',
      'x in a worktree',
    ]);
    const none = await sandbox.cli(['diff', plain.id]);
    expect(none.code).toBe(6);
    expect(none.stderr).toContain('does not run in a worktree');
  });

  it('removes the worktree of a run killed before its task folder was in place', async () => {
    const base = initRepo(sandbox.project, { 'README.md': 'hello\n' });
    // What a `dispatch run --worktree` killed between `git worktree add` and the rename leaves:
    // a claim naming its dead process and the worktree, and the worktree, but no task folder.
    const dead = spawnSync('true');
    const orphan = (id: string) => {
      const path = join(sandbox.root, 'worktrees', id);
      mkdirSync(join(sandbox.root, 'worktrees'), { recursive: true });
      gitIn(sandbox.project, ['worktree', 'add', '--quiet', '-b', `dispatch/${id}`, path, base]);
      const worktree = {
        path,
        branch: `dispatch/${id}`,
        base,
        repo: realpathSync(sandbox.project),
      };
      writeFileSync(
        join(sandbox.root, 'worktrees', `.${id}.claim`),
        JSON.stringify({ pid: dead.pid, startTime: null, worktree }),
      );
      return path;
    };
    const empty = orphan('interrupted');
    const worked = orphan('interrupted-with-work');
    writeFileSync(join(worked, 'precious.txt'), 'keep me\n');

    const run = await sandbox.run([
      '--model',
      'sim',
      '--worktree',
      '--title',
      'Next',
      '--item',
      'x',
    ]);
    expect(run.id).toBe('next');
    expect(existsSync(empty)).toBe(false);
    expect(existsSync(join(sandbox.root, 'worktrees', '.interrupted.claim'))).toBe(false);
    expect(gitIn(sandbox.project, ['branch', '--list', 'dispatch/interrupted']).trim()).toBe('');
    // Work is never deleted silently, not even an orphan's.
    expect(readFileSync(join(worked, 'precious.txt'), 'utf8')).toBe('keep me\n');
    expect(
      gitIn(sandbox.project, ['branch', '--list', 'dispatch/interrupted-with-work']),
    ).toContain('interrupted-with-work');
  });
});
