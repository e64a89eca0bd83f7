import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelQueueName, QUEUE_PREFIX } from '../../src/runtime/nodes/node-channels.js';
import { NodeFleet, until } from '../helpers/node-fleet.js';
import { isAlive } from '../helpers/processes.js';
import { waitForFile } from '../helpers/wait-for.js';

/**
 * A task folder removed by hand (rm -rf, a project deleted) while its job waits on the queue:
 * nobody can see the task any more, so its relay takes the job off the queue and exits rather
 * than run on for good, a Node.js process and a Redis connection for each such task.
 */
const fleet = new NodeFleet();

beforeAll(async () => {
  await fleet.start(); // no node: the job stays on the queue
}, 60_000);

afterAll(() => fleet.stop());

async function jobOnQueue(jobId: string): Promise<Job | undefined> {
  const connection = new Redis(fleet.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(modelQueueName('sim'), { connection, prefix: QUEUE_PREFIX });
  try {
    return await Job.fromId(queue, jobId);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe('a node task whose folder is removed', () => {
  it('has its job taken off the queue, and its relay exits', async () => {
    const { user } = fleet;
    const task = await user.run(['--queue', fleet.redis.url, '--item', 'never taken']);
    await waitForFile(join(user.taskDir(task.id), 'worker.log'), (text) =>
      text.includes(`queued as job ${task.id}.1`),
    );
    expect(await jobOnQueue(`${task.id}.1`)).toBeDefined();
    const relay = task.pid as number;
    expect(isAlive(relay)).toBe(true);

    rmSync(user.taskDir(task.id), { recursive: true, force: true });

    await until(async () => (isAlive(relay) ? undefined : true), 20_000, 'the relay to exit');
    expect(await jobOnQueue(`${task.id}.1`)).toBeUndefined();
  });
});
