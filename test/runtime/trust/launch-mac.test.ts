import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TaskMeta } from '../../../src/core/task/task-meta.js';
import { signLaunch, verifyLaunch } from '../../../src/runtime/trust/launch-mac.js';

const key = randomBytes(32);

function record(): TaskMeta {
  return {
    version: 1,
    id: 'review-auth',
    title: 'Review auth',
    request: 'Review src/auth',
    model: 'sonnet',
    modelId: 'claude-sonnet',
    backend: 'claude',
    backendType: 'claude',
    command: 'claude -p',
    passModel: true,
    argv: ['claude', '-p', '--model', 'claude-sonnet', '<prompt.md>'],
    cwd: '/home/u/project',
    worktree: {
      path: '/home/u/project/.dispatch/worktrees/review-auth',
      branch: 'dispatch/review-auth',
      base: 'abc',
      repo: '/home/u/project',
    },
    priority: 'normal',
    after: [],
    timeoutMinutes: 30,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('launch record MAC', () => {
  it('verifies a record signed with the key', () => {
    expect(verifyLaunch(signLaunch(record(), key), key)).toBe('valid');
  });

  it('does not depend on the order of the fields (task.json is re-read, not re-serialized)', () => {
    const signed = signLaunch(record(), key);
    const reordered = JSON.parse(
      JSON.stringify(Object.fromEntries(Object.entries(signed).reverse())),
    );
    expect(verifyLaunch(reordered, key)).toBe('valid');
  });

  it.each([
    ['command', { command: 'touch /tmp/pwned; echo' }],
    ['backend type', { backendType: 'generic' }],
    ['argv', { argv: ['sh', '-c', 'id'] }],
    ['working folder', { cwd: '/home/victim' }],
    ['worktree', { worktree: { path: '/etc', branch: 'b', base: 'abc', repo: '/etc' } }],
    ['id', { id: 'other-task' }],
    ['request', { request: 'Delete everything' }],
    ['model id', { modelId: 'other' }],
  ])('rejects a record whose %s was changed after signing', (_name, change) => {
    const tampered = { ...signLaunch(record(), key), ...change } as TaskMeta;
    expect(verifyLaunch(tampered, key)).toBe('invalid');
  });

  it('rejects a record with an added field', () => {
    const tampered = { ...signLaunch(record(), key), capability: 'gpu' } as TaskMeta;
    expect(verifyLaunch(tampered, key)).toBe('invalid');
  });

  it('keeps no verdict past a change: a record checked valid, then edited, is invalid', () => {
    const signed = signLaunch(record(), key);
    expect(verifyLaunch(signed, key)).toBe('valid');
    expect(verifyLaunch({ ...signed }, key)).toBe('valid');
    const edited = { ...signed, command: 'sh -c id' };
    expect(verifyLaunch(edited, key)).toBe('invalid');
    expect(verifyLaunch(edited, key)).toBe('invalid');
    // Nor is a verdict reached with one key lent to another.
    expect(verifyLaunch(signed, randomBytes(32))).toBe('invalid');
    expect(verifyLaunch(signed, key)).toBe('valid');
  });

  it('says a record without a MAC is missing one', () => {
    expect(verifyLaunch(record(), key)).toBe('missing');
    expect(verifyLaunch({ ...record(), mac: '' }, key)).toBe('missing');
  });

  it('rejects a record signed with another key, or when there is no key', () => {
    const signed = signLaunch(record(), randomBytes(32));
    expect(verifyLaunch(signed, key)).toBe('invalid');
    expect(verifyLaunch(signLaunch(record(), key), undefined)).toBe('invalid');
  });

  it('rejects a MAC that is garbage or truncated', () => {
    const signed = signLaunch(record(), key);
    expect(verifyLaunch({ ...signed, mac: 'hmac-sha256:v1:00' }, key)).toBe('invalid');
    expect(verifyLaunch({ ...signed, mac: (signed.mac as string).slice(0, -1) }, key)).toBe(
      'invalid',
    );
  });

  it('re-signing replaces the old MAC', () => {
    const signed = signLaunch({ ...record(), mac: 'hmac-sha256:v1:stale' }, key);
    expect(verifyLaunch(signed, key)).toBe('valid');
  });
});
