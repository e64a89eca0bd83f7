import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import { git } from '../worktree/git.js';
import { gitAsync, gitAsyncOk } from './git-async.js';
import { withMirror } from './mirror-lock.js';

export interface Checkout {
  /** The worktree the worker runs in, on `branch`. */
  path: string;
  branch: string;
  mirror: string;
}

/**
 * The repository URL comes from the queue: only these transports may be used for it (never
 * `ext::`, which runs a command, or `fd::`).
 */
export const TRANSPORTS = { GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh' };

/** The cached bare mirror of a repository under the node's folder, one per URL. */
function mirrorPath(dir: string, repository: string): string {
  const key = createHash('sha256').update(repository).digest('hex').slice(0, 16);
  return join(dir, 'mirrors', `${key}.git`);
}

/**
 * The code of one attempt: the repository's mirror (`git clone --mirror` once, `git fetch` after)
 * and a worktree of it on branch `dispatch/<id>` at the dispatched commit. A repository the node
 * cannot fetch, or a commit it does not have, fails naming the URL. One job at a time per mirror.
 */
export function prepareCheckout(
  dir: string,
  repository: string,
  commit: string,
  taskId: string,
  attempt: number,
  options: { fromTaskBranch?: boolean } = {},
): Promise<Checkout> {
  const mirror = mirrorPath(dir, repository);
  return withMirror(mirror, () =>
    checkOut(dir, mirror, repository, commit, taskId, attempt, options.fromTaskBranch === true),
  );
}

/** Removes an attempt's worktree (the branch stays in the mirror), in turn with other jobs. */
export function removeCheckout(checkout: Checkout): Promise<unknown> {
  return withMirror(checkout.mirror, () =>
    gitAsync(['worktree', 'remove', '--force', checkout.path], checkout.mirror),
  );
}

async function checkOut(
  dir: string,
  mirror: string,
  repository: string,
  commit: string,
  taskId: string,
  attempt: number,
  fromTaskBranch: boolean,
): Promise<Checkout> {
  mkdirSync(join(dir, 'mirrors'), { recursive: true });
  // Every ref but the tasks' branches: git refuses to fetch into a branch a worktree has
  // checked out, and a running task's branch is checked out here while its push may already be
  // on the remote. A node starts a task from its commit, never from a branch of that name.
  const fetched = existsSync(mirror)
    ? await gitAsync(
        ['fetch', '--quiet', 'origin', '+refs/*:refs/*', '^refs/heads/dispatch/*'],
        mirror,
        TRANSPORTS,
      )
    : await gitAsync(['clone', '--quiet', '--mirror', '--', repository, mirror], dir, TRANSPORTS);
  if (fetched.code !== 0)
    throw new DispatchError(
      'state',
      `cannot fetch ${repository}: ${fetched.stderr.trim().split('\n').slice(-3).join(' ')}`,
      { hint: 'Check that this node can reach the repository and has credentials for it.' },
    );
  // A commit another node pushed on the task's branch (it was lost while the task waited): that
  // branch is fetched under a name of its own, which no worktree has checked out.
  if (fromTaskBranch)
    await gitAsync(
      [
        'fetch',
        '--quiet',
        'origin',
        `+refs/heads/dispatch/${taskId}:refs/dispatch-resume/${taskId}`,
      ],
      mirror,
      TRANSPORTS,
    );
  if ((await gitAsync(['cat-file', '-e', `${commit}^{commit}`], mirror)).code !== 0)
    throw new DispatchError('state', `${repository} has no commit ${commit}`, {
      hint: 'Push the commit the task was dispatched from, then retry the task.',
    });
  const branch = `dispatch/${taskId}`;
  const path = join(dir, 'worktrees', `${taskId}.${attempt}`);
  mkdirSync(join(dir, 'worktrees'), { recursive: true });
  // -B: a retry on the same node starts the branch again at the dispatched commit.
  await gitAsyncOk(['worktree', 'add', '--quiet', '-B', branch, path, commit], mirror);
  return { path, branch, mirror };
}

/** The identity to commit with when the node's git has none configured. */
function fallbackIdentity(path: string): NodeJS.ProcessEnv {
  if (git(['config', 'user.email'], path).code === 0) return {};
  return {
    GIT_AUTHOR_NAME: 'agent-dispatch node',
    GIT_AUTHOR_EMAIL: 'dispatch-node@localhost',
    GIT_COMMITTER_NAME: 'agent-dispatch node',
    GIT_COMMITTER_EMAIL: 'dispatch-node@localhost',
  };
}

/**
 * Commits what the worker left uncommitted, saying so in the history. Returns whether there was
 * anything to commit. The task's own `.dispatch/` folder ignores itself, so it is never committed.
 */
export async function commitLeftovers(
  checkout: Checkout,
  taskId: string,
  nodeId: string,
): Promise<boolean> {
  const { path, branch } = checkout;
  await gitAsyncOk(['add', '-A'], path);
  if ((await gitAsync(['diff', '--cached', '--quiet'], path)).code === 0) return false;
  await gitAsyncOk(
    [
      'commit',
      '--quiet',
      '-m',
      `dispatch: commit the changes task ${taskId} left uncommitted`,
      '-m',
      `The worker left these changes uncommitted in its worktree; worker node ${nodeId} committed them on ${branch} before pushing.`,
    ],
    path,
    fallbackIdentity(path),
  );
  return true;
}

/** Pushes the task's branch to the repository; the error names the URL and git's reason. */
export async function pushBranch(checkout: Checkout, repository: string): Promise<string> {
  const ref = `refs/heads/${checkout.branch}`;
  // The URL, not the mirror's remote: a mirror's remote pushes every ref.
  const pushed = await gitAsync(
    // Forced: the branch is the task's own, and a later attempt starts it again from the
    // dispatched commit, replacing what an earlier attempt pushed.
    ['push', '--quiet', '--', repository, `+${ref}:${ref}`],
    checkout.path,
    TRANSPORTS,
  );
  if (pushed.code !== 0)
    throw new DispatchError(
      'state',
      `cannot push ${checkout.branch} to ${repository}: ${pushed.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  return (await gitAsyncOk(['rev-parse', 'HEAD'], checkout.path)).trim();
}
