import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFleet, until } from '../helpers/node-fleet.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

/**
 * The machine where the user works goes away (its relay and supervisor stop, as when a laptop
 * sleeps or reboots) while the worker on a node asks a question: the question waits in the
 * stream, and when the user's side is back the relay is started again on the same attempt, the
 * question appears locally and the answer reaches the very worker that asked.
 */
const fleet = new NodeFleet();

/** Dispatches a task of the simulated worker to the fleet's queue. */
function onQueue(args: string[]) {
  return fleet.user.run(['--queue', fleet.redis.url, ...args]);
}

beforeAll(async () => {
  await fleet.start();
  fleet.startNode(1);
  await fleet.waitForNodes(1);
}, 60_000);

afterAll(() => fleet.stop());

describe('a question asked while the user is offline', () => {
  it('waits in the stream and reaches the user, and the answer reaches the worker that asked, when the user is back', async () => {
    const { user } = fleet;
    const task = await onQueue([
      '--item',
      'sleep: 3',
      '--item',
      'ask: Which colour?',
      '--item',
      'write: colour.txt = chosen',
    ]);
    await fleet.nodeIdOf(task.id);
    // The relay has recorded how far it read (it does after each message).
    await waitForFile(join(user.taskDir(task.id), '.relay-1.json'), (text) =>
      text.includes('test-node-1'),
    );
    // The user's whole side stops: the relay and the supervisor.
    user.stopProcesses();
    const question = await until(
      async () => (await fleet.upMessages(task.id)).find((m) => m.type === 'question'),
      60_000,
      'the question in the stream',
    );
    expect(question.text).toContain('Which colour?');
    expect(existsSync(join(user.taskDir(task.id), 'ipc', '001.question'))).toBe(false);

    // Back: the first command sees a task still running on its node and brings a supervisor,
    // which starts the relay again.
    const back = await user.status(task.id);
    expect(back.state).toBe('running');
    const waited = await user.cli(['wait', task.id, '--json', '--timeout', '60'], {
      timeoutMs: 70_000,
    });
    const waiting = JSON.parse(waited.stdout).tasks[0];
    expect(waiting.state).toBe('waiting');
    expect(waiting.question.text).toContain('Which colour?');
    expect(user.events(task.id).filter((e) => e.type === 'relay-restarted')).toHaveLength(1);

    const answered = await user.cli(['answer', task.id, 'green']);
    expect(answered.code, answered.stderr).toBe(0);
    await user.waitForDone([task.id]);
    const done = await user.status(task.id);
    expect(done.state).toBe('done');
    // The same attempt, the same worker: it read the answer (its acknowledgment came up) and
    // nothing was started again, here or on the node.
    expect(done.attempt).toBe(1);
    expect(user.events(task.id).some((e) => e.type === 'resumed')).toBe(false);
    const up = await until(
      async () => {
        const messages = await fleet.upMessages(task.id);
        return messages.some((m) => m.type === 'exit') ? messages : undefined;
      },
      30_000,
      "the node's exit",
    );
    expect(up.filter((m) => m.type === 'started')).toHaveLength(1);
    expect(up.some((m) => m.type === 'ack' && m.seq === 1)).toBe(true);
    expect(up.find((m) => m.type === 'exit')?.code).toBe(0);
    // The restarted relay read on from where the first stopped: nothing mirrored twice.
    const log = user.read(task.id, 'worker.log');
    expect(log.match(/running on node test-node-1/g)).toHaveLength(1);
    expect(log).toContain('the relay of attempt 1 was gone; started again');
  }, 150_000);

  it('keeps the reason of a relay that fails at once, and starts it again', async () => {
    const { user } = fleet;
    const first = await onQueue(['--item', 'sleep: 2', '--item', 'done']);
    const task = await onQueue(['--after', first.id, '--item', 'done']);
    // A folder where the relay keeps its place: the relay cannot write it and fails.
    const state = join(user.taskDir(task.id), '.relay-1.json');
    mkdirSync(state);
    const failure = await waitForCondition(
      user.taskDir(task.id),
      () => user.events(task.id).find((event) => event.type === 'relay-failed'),
      60_000,
      () => user.read(task.id, 'events.jsonl'),
    );
    expect(failure.error).toContain('EISDIR');
    expect(user.read(task.id, 'worker.log')).toMatch(
      /--- agent-dispatch: the relay failed: .*EISDIR.* ---/,
    );
    rmSync(state, { recursive: true });
    // Started again, it reads the node's messages from the start: the task ends here.
    await user.waitForDone([first.id, task.id], 90_000);
    expect((await user.status(task.id)).state).toBe('done');
    expect(user.events(task.id).some((e) => e.type === 'relay-restarted')).toBe(true);
  }, 150_000);

  it('passes a cancel given while no relay runs on to the node, which stops its worker', async () => {
    const { user } = fleet;
    const task = await onQueue(['--item', 'sleep: 60', '--item', 'done']);
    await fleet.nodeIdOf(task.id);
    await until(
      async () =>
        (await fleet.upMessages(task.id)).some((m) => m.type === 'log') ? true : undefined,
      30_000,
      'the worker started on the node',
    );
    // The relay and the supervisor are gone; cancel brings neither back.
    user.stopProcesses();
    const cancelled = await user.cli(['cancel', task.id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain('the cancel was sent to the worker node from here');
    const exit = await until(
      async () => (await fleet.upMessages(task.id)).find((m) => m.type === 'exit'),
      30_000,
      "the node's exit report",
    );
    expect(exit.state).toBe('cancelled');
    expect((await user.status(task.id)).state).toBe('cancelled');
    expect(user.read(task.id, 'worker.log')).toContain('its relay was not running');
  }, 120_000);

  it('has the relay started again by the running supervisor when the relay alone is killed', async () => {
    const { user } = fleet;
    const task = await onQueue(['--item', 'sleep: 2', '--item', 'done']);
    await fleet.nodeIdOf(task.id);
    const spawned = user.events(task.id).find((e) => e.type === 'spawned');
    process.kill(Number(spawned?.pid), 'SIGKILL');
    await user.waitForDone([task.id], 90_000);
    expect((await user.status(task.id)).state).toBe('done');
    const restarted = user.events(task.id).filter((e) => e.type === 'relay-restarted');
    expect(restarted).toHaveLength(1);
    expect(restarted[0]?.previousPid).toBe(spawned?.pid);
    expect(user.events(task.id).some((e) => e.type === 'failed')).toBe(false);
  }, 120_000);
});
