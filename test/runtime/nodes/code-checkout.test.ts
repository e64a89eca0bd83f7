import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  prepareCheckout,
  pushBranch,
  removeCheckout,
} from '../../../src/runtime/nodes/code-checkout.js';
import { gitIn, initRepo } from '../../helpers/git-repo.js';

/**
 * A node runs several jobs of one repository at once, each preparing its checkout from the same
 * mirror with real git: none may fail because another is cloning, fetching, adding or removing
 * a worktree at the same moment.
 */
let dir: string;
let origin: string;
let work: string;
let commit: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dispatch-checkout-'));
  origin = join(dir, 'origin.git');
  work = join(dir, 'work');
  mkdirSync(origin);
  mkdirSync(work);
  gitIn(origin, ['init', '--quiet', '--bare', '--initial-branch=main']);
  commit = initRepo(work, { 'README.md': 'a project\n' });
  gitIn(work, ['push', '--quiet', origin, 'main']);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkouts of one repository prepared at once', () => {
  it('clone the mirror once when two jobs are the first of a node', async () => {
    const node = join(dir, 'node');
    const checkouts = await Promise.all(
      ['one', 'two', 'three'].map((id) => prepareCheckout(node, origin, commit, id, 1)),
    );
    for (const checkout of checkouts)
      expect(gitIn(checkout.path, ['rev-parse', 'HEAD']).trim()).toBe(commit);
  }, 60_000);

  it("fetch while a running task's branch, checked out here, is already on the remote", async () => {
    const node = join(dir, 'node');
    const running = await prepareCheckout(node, origin, commit, 'running', 1);
    // It ends: its branch is pushed before its worktree is removed.
    await pushBranch(running, origin);
    const next = await prepareCheckout(node, origin, commit, 'next', 1);
    expect(gitIn(next.path, ['rev-parse', 'HEAD']).trim()).toBe(commit);
  }, 60_000);

  it('fetch while other jobs add and remove worktrees, as branches arrive from other nodes', async () => {
    const node = join(dir, 'node');
    await removeCheckout(await prepareCheckout(node, origin, commit, 'first', 1));
    for (let round = 0; round < 5; round++) {
      // Other nodes push their tasks' branches meanwhile, each at a commit of its own.
      for (let branch = 0; branch < 2; branch++) {
        gitIn(work, ['commit', '--quiet', '--allow-empty', '-m', `r${round}-${branch}`]);
        gitIn(work, [
          'push',
          '--quiet',
          origin,
          `HEAD:refs/heads/dispatch/other-${round}-${branch}`,
        ]);
      }
      const checkouts = await Promise.all(
        [0, 1, 2].map((i) => prepareCheckout(node, origin, commit, `t${round}-${i}`, 1)),
      );
      await Promise.all([
        ...checkouts.slice(1).map((checkout) => removeCheckout(checkout)),
        prepareCheckout(node, origin, commit, `late-${round}`, 1),
      ]);
    }
  }, 120_000);
});
