import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repo.js';
import { NodeFleet } from '../helpers/node-fleet.js';
import { waitForFile } from '../helpers/wait-for.js';

/**
 * `dispatch diff`, `merge` and `discard` of a task that ran on a worker node: the node pushed
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

  it('warns of a commit the remote lacks; is deleted by discard here and on the remote, where a refusal keeps it and says why', async () => {
    const { user, origin } = fleet;
    // A commit not on the remote yet, where a node fetches the code: the run says so.
    gitIn(user.project, ['commit', '--quiet', '--allow-empty', '-m', 'not pushed yet']);
    const unpushed = await user.cli(['run', '--json', '--queue', fleet.redis.url, '--item', 'x']);
    expect(unpushed.code, unpushed.stderr).toBe(0);
    const head = gitIn(user.project, ['rev-parse', '--short=7', 'HEAD']).trim();
    expect(unpushed.stderr).toContain(
      `starts from commit ${head}, which ${origin} does not have as far as this clone knows`,
    );
    const stale = (JSON.parse(unpushed.stdout) as { id: string }).id;
    expect((await user.cli(['wait', stale, '--timeout', '60'])).code).not.toBe(0);
    const full = gitIn(user.project, ['rev-parse', 'HEAD']).trim();
    expect((await user.status(stale)).reason).toContain(`${origin} has no commit ${full}`);
    gitIn(user.project, ['push', '--quiet', 'origin', 'main']);
    const run = await user.cli([
      'run',
      '--json',
      '--queue',
      fleet.redis.url,
      '--item',
      'write: dropped.txt = not wanted',
      '--item',
      'done',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('does not have');
    const task = JSON.parse(run.stdout) as { id: string };
    await user.waitForDone([task.id]);
    await waitForFile(join(user.taskDir(task.id), 'worker.log'), (text) =>
      text.includes(`node pushed dispatch/${task.id}`),
    );
    const branch = `dispatch/${task.id}`;
    const onOrigin = () => gitIn(origin, ['branch', '--list', branch]).trim();
    expect(onOrigin()).toBe(branch);

    // Its commit is merged nowhere: without --yes and nobody to ask, nothing is deleted.
    const refused = await user.cli(['discard', task.id]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('1 commit not merged into the current branch');
    expect(onOrigin()).toBe(branch);

    // The remote declines the deletion: the branch goes here, stays there, and the reason is given.
    const hook = join(origin, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "deletions are reviewed here" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    try {
      const declined = await user.cli(['discard', task.id, '--yes']);
      expect(declined.code, declined.stderr).toBe(0);
      expect(declined.stdout).toContain(`Removed branch ${branch}`);
      expect(declined.stdout).toContain(`It is still on ${origin}`);
      expect(declined.stdout).toContain('deletions are reviewed here');
      expect(declined.stdout).toContain(`git push ${origin} --delete ${branch}`);
      expect(gitIn(user.project, ['branch', '--list', branch])).toBe('');
      expect(onOrigin()).toBe(branch);
    } finally {
      rmSync(hook);
    }

    const json = await user.cli(['discard', task.id, '--yes', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({
      branch,
      path: '',
      lost: { uncommitted: 0, unmerged: 1 },
      remote: { url: origin, deleted: true, error: null },
    });
    expect(onOrigin()).toBe('');
    expect(gitIn(user.project, ['branch', '--list', branch])).toBe('');
    expect(
      user.events(task.id).filter((e) => e.type === 'worktree' && e.action === 'discarded'),
    ).toHaveLength(2);
  }, 120_000);
});
