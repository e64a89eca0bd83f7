import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CollectWhenQuiet } from '../../../src/runtime/process/collect-when-quiet.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CollectWhenQuiet', () => {
  it('collects once, after quietMs without activity, however often activity came before', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const quiet = new CollectWhenQuiet(1000, collect);
    quiet.activity();
    vi.advanceTimersByTime(900);
    quiet.activity();
    vi.advanceTimersByTime(900);
    quiet.activity();
    vi.advanceTimersByTime(999);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    // Nothing more happened: nothing more to collect.
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
    // The next burst is collected after it, once again.
    quiet.activity();
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('collects nothing once stopped', () => {
    vi.useFakeTimers();
    const collect = vi.fn();
    const quiet = new CollectWhenQuiet(1000, collect);
    quiet.activity();
    quiet.stop();
    vi.advanceTimersByTime(5000);
    expect(collect).not.toHaveBeenCalled();
  });

  it('runs a real, forced full collection of V8', async () => {
    // V8 flags a collection that gc() asked for as forced; its own never are.
    const forced: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const { detail } = entry as PerformanceEntry & { detail?: { kind: number; flags: number } };
        if (
          detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
          (detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0
        )
          forced.push(entry);
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      new CollectWhenQuiet(20).activity();
      await vi.waitFor(() => expect(forced).toHaveLength(1), { timeout: 10_000, interval: 20 });
    } finally {
      observer.disconnect();
    }
  });
});
