import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockBusyError, acquireLock, withLock } from '../../../src/runtime/lock/file-lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a lock held across awaits by this process', () => {
  it('is reported busy at once to a blocking taker in the same process, and free once released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-lock-'));
    dirs.push(dir);
    const path = join(dir, 'scheduler.lock');
    const release = await acquireLock(path, 1000);
    const started = Date.now();
    expect(() => withLock(path, 10_000, () => 'ran')).toThrow(LockBusyError);
    // Not the ten seconds a holder in another process is waited for: this one could never let go.
    expect(Date.now() - started).toBeLessThan(2000);
    release();
    expect(withLock(path, 1000, () => 'ran')).toBe('ran');
  });
});
