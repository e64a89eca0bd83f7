import type { Redis } from 'ioredis';
import { NODE_KEY_PATTERN } from './node-channels.js';
import { connectRedis, pingRedis } from './redis-connection.js';
import type { NodeAdvert } from './worker-node.js';

/** The nodes whose heartbeat is current (a node whose heartbeat stopped has expired). */
export async function listNodes(url: string): Promise<NodeAdvert[]> {
  const redis = connectRedis(url);
  try {
    await pingRedis(redis, url);
    return await readAdverts(redis);
  } finally {
    redis.disconnect();
  }
}

/** The live nodes' advertisements, read over a connection the caller holds. */
export async function readAdverts(redis: Redis): Promise<NodeAdvert[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', NODE_KEY_PATTERN, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const values = keys.length > 0 ? await redis.mget(...keys) : [];
  const nodes: NodeAdvert[] = [];
  for (const value of values) {
    try {
      if (value) nodes.push(JSON.parse(value) as NodeAdvert);
    } catch {
      // not an advertisement
    }
  }
  return nodes.sort((a, b) => a.id.localeCompare(b.id));
}
