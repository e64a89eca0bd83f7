import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, after, waitUntil } from '../../../src/runtime/watch/wait-until.js';

// Fake timers behave as Node's do: a delay over 2^31-1 ms fires after 1 ms.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('after', () => {
  it('fires once the whole delay has passed, even a delay longer than a timer holds', () => {
    const fired = vi.fn();
    after(MAX_TIMER_MS + 5_000, fired);
    vi.advanceTimersByTime(1_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(4_000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it('can be cancelled', () => {
    const fired = vi.fn();
    after(10, fired)();
    vi.advanceTimersByTime(20);
    expect(fired).not.toHaveBeenCalled();
  });
});

describe('waitUntil', () => {
  it('gives the value at once when the check already has one', async () => {
    await expect(waitUntil(() => 42, { timeoutMs: 0 })).resolves.toEqual({
      kind: 'ready',
      value: 42,
    });
  });

  it('checks again on every wake-up and stops listening when done', async () => {
    const answer: { text?: string } = {};
    let wake = () => {};
    const unsubscribe = vi.fn();
    const waiting = waitUntil(() => answer.text, {
      timeoutMs: 3_000_000_000,
      wake: (callback) => {
        wake = callback;
        return unsubscribe;
      },
    });
    vi.advanceTimersByTime(10);
    answer.text = 'answer';
    wake();
    await expect(waiting).resolves.toEqual({ kind: 'ready', value: 'answer' });
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out after a timeout longer than a timer holds, not at once', async () => {
    const settled = vi.fn();
    const waiting = waitUntil(() => undefined, { timeoutMs: 3_000_000_000 }).then(settled);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3_000_000_000);
    await waiting;
    expect(settled).toHaveBeenCalledWith({ kind: 'timeout' });
  });

  it('rejects with the reason when aborted, and polls while it waits', async () => {
    const controller = new AbortController();
    const check = vi.fn(() => undefined);
    const waiting = waitUntil(check, { pollMs: 100, signal: controller.signal });
    await vi.advanceTimersByTimeAsync(350);
    expect(check).toHaveBeenCalledTimes(4);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects, leaving no timer behind, when its watch cannot start', async () => {
    const failing = waitUntil(() => undefined, {
      timeoutMs: 60_000,
      pollMs: 100,
      wake: () => {
        throw new Error('ENOENT: no such folder');
      },
    });
    await expect(failing).rejects.toThrow('ENOENT');
    expect(vi.getTimerCount()).toBe(0);
  });
});
