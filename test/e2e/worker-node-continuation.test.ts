import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repo.js';
import { NodeFleet, until } from '../helpers/node-fleet.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * A node lost while its task waits for the user: the worker there had fallen back (it waited
 * `fallback_minutes`, wrote context.md and exited), and the node had pushed the work so far.
 * Where the user works the task is blocked on the question, and the answer starts it on another
 * node from that commit, with the plan, the context and the answer.
 */
const fleet = new NodeFleet();
/** Workers that wait about a second for an answer. */
const PATIENT = ['default: sim', 'fallback_minutes: 0.02'].join('\n');

beforeAll(async () => {
  await fleet.start();
  fleet.startNode(1, PATIENT);
  await fleet.waitForNodes(1);
}, 60_000);

afterAll(() => fleet.stop());

describe('an answer after the node that asked was lost', () => {
  it('starts the task again on another node, from the work pushed as the worker fell back', async () => {
    const { user, origin } = fleet;
    const task = await user.run([
      '--queue',
      fleet.redis.url,
      '--item',
      'write: half.txt = first half',
      '--item',
      'ask: Which port?',
      '--item',
      'write: port.txt = chosen',
      '--item',
      'done',
    ]);
    expect(await fleet.nodeIdOf(task.id)).toBe('test-node-1');
    const pushed = await waitForCondition(
      user.taskDir(task.id),
      () => user.events(task.id).find((e) => e.type === 'node-pushed' && e.partial === true),
      60_000,
      () => user.read(task.id, 'events.jsonl'),
    );
    expect(pushed).toMatchObject({ attempt: 1, node: 'test-node-1' });
    const wip = String(pushed.commit);
    expect(gitIn(origin, ['show', `${wip}:half.txt`])).toBe('first half\n');
    // The question is open where the user works: the node still holds the job.
    expect((await user.status(task.id)).state).toBe('waiting');

    const [first] = fleet.nodes;
    first?.child.kill('SIGKILL');
    fleet.startNode(2, PATIENT);
    const blocked = await until(
      async () => {
        const status = await user.status(task.id);
        return status.state === 'blocked' ? status : undefined;
      },
      60_000,
      'the task blocked on its question once the node was lost',
    );
    expect(blocked.reason).toContain('node lost: test-node-1');
    expect(blocked.reason).toContain('answering starts the task again on a node');
    expect(JSON.stringify(blocked.question)).toContain('Which port?');

    const answered = await user.cli(['answer', task.id, '8080']);
    expect(answered.code, answered.stderr).toBe(0);
    await user.waitForDone([task.id], 90_000);
    expect(await user.status(task.id)).toMatchObject({ state: 'done', attempt: 2 });
    expect(user.events(task.id)).toContainEqual(
      expect.objectContaining({ type: 'on-node', attempt: 2, node: 'test-node-2' }),
    );
    // The new worker had the answer, and went on from the first worker's commit: it did not
    // write half.txt again (that item was done), yet the branch holds it.
    expect(user.read(task.id, 'worker.log')).toContain('8080');
    const final = await until(
      async () =>
        user
          .events(task.id)
          .find((e) => e.type === 'node-pushed' && e.attempt === 2 && e.partial === false),
      30_000,
      "the second node's push",
    );
    const head = String(final.commit);
    expect(gitIn(origin, ['show', `${head}:half.txt`])).toBe('first half\n');
    expect(gitIn(origin, ['show', `${head}:port.txt`])).toBe('chosen\n');
    expect(gitIn(origin, ['merge-base', '--is-ancestor', wip, head])).toBe('');
  }, 180_000);
});
