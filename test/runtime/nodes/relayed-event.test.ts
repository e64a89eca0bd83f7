import { describe, expect, it } from 'vitest';
import { relayedEvent } from '../../../src/runtime/nodes/task-relay.js';

/** What a node sends up is input from the network: each event is rebuilt field by field. */
describe("a node task's event relayed where the user works", () => {
  const verified = {
    type: 'verified',
    run: 1,
    passed: false,
    code: 1,
    timedOut: false,
    durationMs: 120,
    iterate: true,
    lastLine: 'expected 42, got 41',
  };

  it('keeps the fields of a verify result and nothing else', () => {
    expect(relayedEvent({ ...verified, command: 'rm -rf ~', attempt: 7 })).toEqual(verified);
  });

  it('gives a verify run the pid of the relay, never one from the node', () => {
    expect(relayedEvent({ type: 'verify-started', run: 2, pid: 1, startTime: 'x' })).toEqual({
      type: 'verify-started',
      run: 2,
      pid: process.pid,
      startTime: null,
    });
  });

  it('takes usage and a budget stop with finite counts only', () => {
    expect(
      relayedEvent({ type: 'usage', inputTokens: 900, outputTokens: 300, costUsd: 'free' }),
    ).toEqual({ type: 'usage', inputTokens: 900, outputTokens: 300 });
    const stop = { type: 'budget-exceeded', scope: 'task', unit: 'tokens', used: 1200, max: 1000 };
    expect(relayedEvent({ ...stop, stopped: true })).toEqual({ ...stop, stopped: true });
    expect(relayedEvent({ ...stop, stopped: true, scope: 'week' })).toBeUndefined();
    expect(relayedEvent({ type: 'usage', inputTokens: -1, outputTokens: 3 })).toBeUndefined();
  });

  it.each([
    ['a type not relayed', { type: 'spawned', pid: 1 }],
    ['a run of zero', { ...verified, run: 0 }],
    ['a code in words', { ...verified, code: 'one' }],
    ['an endless duration', { ...verified, durationMs: Infinity }],
    ['no object at all', 'verified'],
  ])('refuses %s', (_, value) => {
    expect(relayedEvent(value)).toBeUndefined();
  });

  it('cuts a long last line so the event line stays whole', () => {
    const event = relayedEvent({ ...verified, lastLine: 'x'.repeat(10_000) });
    expect((event as { lastLine: string }).lastLine.length).toBeLessThanOrEqual(500);
  });
});
