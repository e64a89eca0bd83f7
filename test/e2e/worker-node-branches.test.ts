import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repo.js';
import { NodeFleet } from '../helpers/node-fleet.js';
import { waitForFile } from '../helpers/wait-for.js';

/**
 * `dispatch diff` and `dispatch merge` of a task that ran on a worker node: the node pushed
 * `dispatch/<id>` to the repository's remote (here a local bare repository), and where the user
 * works the branch is fetched from there and shown or merged as a worktree task's would be.
 */
const fleet = new NodeFleet();

beforeAll(async () => {
  await fleet.start();
  fleet.startNode(1);
  await fleet.waitForNodes(1);
}, 60_000);

afterAll(() => fleet.stop());

describe("a node task's branch where the user works", () => {
  it('is fetched from the remote for diff and merge; a fetch that fails names the URL', async () => {
    const { user, origin } = fleet;
    const task = await user.run([
      '--queue',
      fleet.redis.url,
      '--item',
      'write: result.txt = from a node',
      '--item',
      'done',
    ]);
    await user.waitForDone([task.id]);
    await waitForFile(join(user.taskDir(task.id), 'worker.log'), (text) =>
      text.includes(`node pushed dispatch/${task.id}`),
    );
    // Nothing of it is here yet: the branch is on the remote only.
    expect(gitIn(user.project, ['branch', '--list', `dispatch/${task.id}`])).toBe('');

    const json = await user.cli(['diff', task.id, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const diff = JSON.parse(json.stdout);
    expect(diff.fetchedFrom).toBe(origin);
    expect(diff.branchExists).toBe(true);
    expect(diff.commits).toHaveLength(1);
    expect(diff.committed).toContain('+from a node');
    const text = await user.cli(['diff', task.id]);
    expect(text.stdout).toContain(`ran on a worker node, fetched from ${origin}`);
    expect(text.stdout).toContain('result.txt');

    const merged = await user.cli(['merge', task.id, '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout).outcome).toBe('merged');
    expect(readFileSync(join(user.project, 'result.txt'), 'utf8')).toBe('from a node\n');
    expect(gitIn(user.project, ['log', '-1', '--format=%s'])).toContain(
      `Merge dispatch/${task.id}`,
    );

    // The remote gone: the error says which URL could not be fetched.
    const moved = `${origin}.moved`;
    renameSync(origin, moved);
    try {
      const failed = await user.cli(['diff', task.id]);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain(`cannot fetch dispatch/${task.id} from ${origin}`);
    } finally {
      renameSync(moved, origin);
    }
  }, 120_000);
});
