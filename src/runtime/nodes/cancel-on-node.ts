import { Queue } from 'bullmq';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { queueUrlFor } from './launch-relay.js';
import { QUEUE_PREFIX, routeQueueName } from './node-channels.js';
import { connectRedis, pingRedis } from './redis-connection.js';
import { passCancelOn, routeOf } from './task-relay.js';

/**
 * The cancel of a node task whose relay is not running (the machine slept, the relay was
 * killed): nobody here would pass it on, so it is sent to the node from here. Fails when the
 * queue cannot be reached.
 */
export async function cancelOnNode(
  meta: TaskMeta,
  attempt: number,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const url = queueUrlFor(meta, env);
  const redis = connectRedis(url);
  // A queue that does not answer fails the command's attempt to reach it, not the whole process.
  redis.on('error', () => undefined);
  const queue = new Queue(routeQueueName(routeOf(meta)), {
    connection: redis,
    prefix: QUEUE_PREFIX,
  });
  queue.on('error', () => undefined);
  try {
    await pingRedis(redis, url);
    await passCancelOn(redis, queue, meta.id, attempt, 'cancelled where the task was dispatched');
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
