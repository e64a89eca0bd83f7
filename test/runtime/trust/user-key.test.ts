import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureUserKey, findUserKey, userKeyPath } from '../../../src/runtime/trust/user-key.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dispatch-key-'));
  env = { DISPATCH_HOME: join(dir, 'home') };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the user key', () => {
  it('does not exist until first needed, then is 32 private bytes that stay the same', () => {
    expect(findUserKey(env)).toBeUndefined();
    const key = ensureUserKey(env);
    expect(key).toHaveLength(32);
    expect(statSync(userKeyPath(env)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'home')).mode & 0o777).toBe(0o700);
    expect(ensureUserKey(env).equals(key)).toBe(true);
    expect(Buffer.from(readFileSync(userKeyPath(env), 'utf8').trim(), 'hex').equals(key)).toBe(
      true,
    );
  });

  // A key is checked when a process first reads it; each check below reads it under a new name.
  it('refuses a key others can read', () => {
    ensureUserKey({ DISPATCH_HOME: join(dir, 'other') });
    chmodSync(join(dir, 'other', 'key'), 0o640);
    symlinkSync(join(dir, 'other'), join(dir, 'other-link'));
    expect(() => findUserKey({ DISPATCH_HOME: join(dir, 'other-link') })).toThrow(
      /lets others read it/,
    );
  });

  it('accepts a dispatch home reached through a link, and refuses one others can write to', () => {
    ensureUserKey({ DISPATCH_HOME: join(dir, 'shared') });
    symlinkSync(join(dir, 'shared'), join(dir, 'linked'));
    expect(findUserKey({ DISPATCH_HOME: join(dir, 'linked') })).toHaveLength(32);
    chmodSync(join(dir, 'shared'), 0o777);
    symlinkSync(join(dir, 'shared'), join(dir, 'linked-again'));
    expect(() => ensureUserKey({ DISPATCH_HOME: join(dir, 'linked-again') })).toThrow(
      /refusing the dispatch home .*writable by/,
    );
  });
});
