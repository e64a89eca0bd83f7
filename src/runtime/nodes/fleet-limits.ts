import { Queue } from 'bullmq';
import type { Config } from '../../core/config/config-types.js';
import { QUEUE_PREFIX } from './node-channels.js';
import { connectRedis } from './redis-connection.js';
import type { NodeRoute } from './node-route.js';

/**
 * Applies the node config's `fleet_limits` to the queues it takes jobs from, as BullMQ's global
 * concurrency and global rate limit: both are kept in Redis with the queue, so they hold across
 * every node of the fleet. A queue the config names no limit for is left as it is (another node
 * may have set one): nodes of one fleet should carry the same `fleet_limits`.
 */
export async function applyFleetLimits(
  url: string,
  config: Config,
  routes: { queue: string; route: NodeRoute }[],
  log: (line: string) => void,
): Promise<void> {
  for (const { queue: name, route } of routes) {
    const limit = config.fleetLimits[route.name];
    if (!limit) continue;
    const connection = connectRedis(url);
    const queue = new Queue(name, { connection, prefix: QUEUE_PREFIX });
    try {
      if (limit.maxParallel !== undefined) await queue.setGlobalConcurrency(limit.maxParallel);
      if (limit.rateLimit)
        await queue.setGlobalRateLimit(limit.rateLimit.max, limit.rateLimit.durationMs);
      log(
        `fleet limits on ${route.name}: ${limit.maxParallel ?? 'no'} max parallel, ${limit.rateLimit ? `${limit.rateLimit.max} per ${limit.rateLimit.durationMs} ms` : 'no rate limit'}`,
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }
}
