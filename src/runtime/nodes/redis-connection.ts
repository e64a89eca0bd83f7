import { Redis } from 'ioredis';
import { DispatchError } from '../../core/errors.js';
import { checkQueueUrl, redactQueueUrl } from './queue-url.js';

/**
 * A connection to the queue's Redis from its URL: `redis://[:password@]host[:port][/db]`, or
 * `rediss://` for TLS. BullMQ needs `maxRetriesPerRequest: null` so a blocking read survives a
 * Redis restart (the client reconnects and retries instead of failing the command).
 */
export function connectRedis(url: string): Redis {
  checkQueueUrl(url);
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Waits until Redis answers, or fails with the URL (without its password) named. */
export async function pingRedis(redis: Redis, url: string, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new DispatchError(
      'state',
      `cannot reach the queue at ${redactQueueUrl(url)}: ${(error as Error).message}`,
      { hint: 'Check that Redis runs there and that the URL (and password) are right.' },
    );
  } finally {
    clearTimeout(timer);
  }
}
