import { DispatchError } from '../../core/errors.js';

/** Checks a queue URL's form: redis:// or rediss://. */
export function checkQueueUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DispatchError('usage', `the queue URL "${redactQueueUrl(url)}" is not a URL`, {
      hint: 'Give redis://host:6379 (or rediss:// for TLS, redis://:PASSWORD@host for a password).',
    });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new DispatchError('usage', `the queue URL must start with redis:// or rediss://`, {
      hint: 'Example: redis://queue-host:6379',
    });
}

/** The URL without its user name and password: what task.json, logs and listings show. */
export function redactQueueUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}
