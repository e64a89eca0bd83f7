import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskStore } from '../../src/runtime/store/task-store.js';
import { readTaskResults } from '../../src/runtime/tasks/task-results.js';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { Sandbox } from '../helpers/sandbox.js';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = new Sandbox();
});
afterEach(() => sandbox.cleanup());

describe('readTaskResults', () => {
  it('gives the summary, each question with its answer, and the usage of a finished task', async () => {
    const { id } = await sandbox.run([
      '--model',
      'sim',
      '--item',
      'ask: Which colour?',
      '--item',
      'Look around',
    ]);
    expect((await sandbox.cli(['wait', id, '--timeout', '20'])).stdout).toContain('Which colour?');
    expect((await sandbox.cli(['answer', id, 'Blue'])).code).toBe(0);
    await sandbox.waitForDone([id]);

    const results = readTaskResults(new TaskStore(sandbox.root, sandbox.env).files(id));
    expect(results.summary.path).toBe(join(sandbox.taskDir(id), 'output.md'));
    expect(results.summary.text).toContain('simulated');
    expect(results.exchanges).toEqual([
      expect.objectContaining({
        seq: 1,
        question: 'Which colour?',
        answer: 'Blue',
        answeredBy: 'cli',
      }),
    ]);
    expect(results.exchanges[0]?.askedAt).toMatch(/^\d{4}-/);
    expect(results.worktree).toBeNull();
  });

  it('says what a worktree task holds: commits ahead, uncommitted files, merged or not', async () => {
    initRepo(sandbox.project, { 'a.txt': 'a\n' });
    const { id } = await sandbox.run([
      '--model',
      'sim',
      '--worktree',
      '--item',
      'write: b.txt = b',
    ]);
    await sandbox.waitForDone([id]);
    const files = new TaskStore(sandbox.root, sandbox.env).files(id);

    const before = readTaskResults(files).worktree;
    expect(before).toMatchObject({ branch: `dispatch/${id}`, present: true, merged: false });
    expect(before?.uncommitted).toEqual(['?? b.txt']);

    expect((await sandbox.cli(['merge', id])).code).toBe(0);
    expect(readTaskResults(files).worktree).toMatchObject({ merged: true, uncommitted: [] });
    expect(gitIn(sandbox.project, ['log', '--oneline']).split('\n').length).toBeGreaterThan(1);
  });

  it('reports an output.md that cannot be shown instead of failing', async () => {
    const { id } = await sandbox.run(['--model', 'sim', '--item', 'Look around']);
    await sandbox.waitForDone([id]);
    writeFileSync(join(sandbox.taskDir(id), 'output.md'), Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const { summary } = readTaskResults(new TaskStore(sandbox.root, sandbox.env).files(id));
    expect(summary.text).toBeNull();
    expect(summary.problem).toMatch(/output\.md/);
  });
});
