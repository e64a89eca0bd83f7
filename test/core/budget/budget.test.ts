import { describe, expect, it } from 'vitest';
import {
  NOTHING_SPENT,
  addSpent,
  addUsage,
  amount,
  budgetExcess,
  budgetExcessText,
  budgetStartAttempt,
  spentByTask,
  startOfDay,
} from '../../../src/core/budget/budget.js';
import type { TaskEvent } from '../../../src/core/task/task-events.js';
import { summarizeUsage } from '../../../src/core/task/task-usage.js';

const usage = (
  attempt: number,
  inputTokens: number,
  outputTokens: number,
  costUsd?: number,
  time = '2026-03-02T10:00:00.000Z',
): TaskEvent => ({
  type: 'usage',
  time,
  attempt,
  inputTokens,
  outputTokens,
  ...(costUsd === undefined ? {} : { costUsd }),
});

const resumed = (
  attempt: number,
  reason: 'retry' | 'continue' | 'answer' | 'verify',
): TaskEvent => ({
  type: 'resumed',
  time: '2026-03-02T10:00:00.000Z',
  attempt,
  reason,
  model: 'm',
});

describe('adding up usage', () => {
  it('counts input and output tokens, and a cost only while every part has one', () => {
    const priced = addUsage(NOTHING_SPENT, { inputTokens: 100, outputTokens: 20, costUsd: 0.5 });
    expect(priced).toEqual({ tokens: 120, costUsd: 0.5, unpriced: 0 });
    const unknown = addUsage(priced, { inputTokens: 10, outputTokens: 0 });
    expect(unknown).toEqual({ tokens: 130, costUsd: undefined, unpriced: 1 });
    // Usage of nothing at all has no price to miss.
    expect(addUsage(priced, { inputTokens: 0, outputTokens: 0 })).toEqual(priced);
    expect(addSpent(priced, unknown).costUsd).toBeUndefined();
    expect(addSpent(priced, priced)).toEqual({ tokens: 240, costUsd: 1, unpriced: 0 });
  });

  it("takes each attempt's usage event, and usage.json for an attempt without one", () => {
    const events = [usage(1, 100, 10, 0.1), usage(2, 200, 20, 0.2)];
    expect(spentByTask(events, undefined)).toMatchObject({ tokens: 330 });
    // usage.json of attempt 2 is older than its final event: the event counts, once.
    const stale = { attempt: 2, time: 't', inputTokens: 50, outputTokens: 5, costUsd: 0.05 };
    expect(spentByTask(events, stale).tokens).toBe(330);
    // A running attempt 3 adds what it has used so far.
    const running = { ...stale, attempt: 3, time: '2026-03-02T10:00:01.000Z' };
    const spent = spentByTask(events, running);
    expect(spent.tokens).toBe(385);
    expect(spent.costUsd).toBeCloseTo(0.35, 9);
  });

  it('counts from the last start by hand: retry and continue give a fresh budget', () => {
    const events = [
      usage(1, 500, 0),
      resumed(2, 'answer'),
      usage(2, 500, 0),
      resumed(3, 'retry'),
      usage(3, 100, 0),
      resumed(4, 'verify'),
      usage(4, 100, 0),
    ];
    expect(budgetStartAttempt(events)).toBe(3);
    expect(spentByTask(events, undefined, { fromAttempt: 3 }).tokens).toBe(200);
    expect(budgetStartAttempt(events.slice(0, 3))).toBe(1);
    expect(budgetStartAttempt([...events, resumed(5, 'continue')])).toBe(5);
  });

  it("keeps only the day's usage for a daily budget", () => {
    const dayStart = Date.parse('2026-03-02T00:00:00.000Z');
    const events = [
      usage(1, 1000, 0, 1, '2026-03-01T23:59:59.000Z'),
      usage(2, 10, 0, 0.01, '2026-03-02T00:00:01.000Z'),
    ];
    expect(spentByTask(events, undefined, { sinceMs: dayStart })).toEqual({
      tokens: 10,
      costUsd: 0.01,
      unpriced: 0,
    });
  });

  it('starts the day at local midnight', () => {
    const now = new Date(2026, 2, 2, 15, 30).getTime();
    expect(startOfDay(now)).toBe(new Date(2026, 2, 2).getTime());
  });

  it('summarizes a cost as unknown when one attempt has none', () => {
    const summary = summarizeUsage([usage(1, 100, 10, 0.5), usage(2, 50, 5)]);
    expect(summary).toEqual({ inputTokens: 150, outputTokens: 15, attempts: 2 });
    const running = { attempt: 2, time: 't', inputTokens: 7, outputTokens: 3, costUsd: 0.01 };
    expect(summarizeUsage([usage(1, 100, 10, 0.5)], running)).toMatchObject({
      inputTokens: 107,
      outputTokens: 13,
      costUsd: 0.51,
      attempts: 2,
    });
  });
});

describe('judging a budget', () => {
  const spent = { tokens: 1200, costUsd: 1.234, unpriced: 0 };

  it('is passed above the limit, tokens first; reaching it exactly is within it', () => {
    expect(budgetExcess(spent, { maxTokens: 1000, maxCostUsd: 1 }, 'task')).toEqual({
      scope: 'task',
      unit: 'tokens',
      used: 1200,
      max: 1000,
    });
    expect(budgetExcess(spent, { maxCostUsd: 1 }, 'task')).toMatchObject({
      unit: 'USD',
      used: 1.234,
    });
    expect(budgetExcess(spent, { maxTokens: 1200 }, 'task')).toBeUndefined();
    expect(budgetExcess(spent, { maxTokens: 1200 }, 'day', { reached: true })).toMatchObject({
      scope: 'day',
      max: 1200,
    });
    expect(budgetExcess(spent, {}, 'task')).toBeUndefined();
  });

  it('never judges a cost limit on an unknown cost', () => {
    const unpriced = { tokens: 10_000, costUsd: undefined, unpriced: 1 };
    expect(budgetExcess(unpriced, { maxCostUsd: 0.01 }, 'task')).toBeUndefined();
    expect(budgetExcess(unpriced, { maxCostUsd: 0.01, maxTokens: 5000 }, 'task')).toMatchObject({
      unit: 'tokens',
    });
  });

  it('says what was passed in words', () => {
    expect(budgetExcessText({ scope: 'task', unit: 'USD', used: 1.234, max: 1 })).toBe(
      'budget exceeded: 1.23 USD of 1.00 max',
    );
    expect(budgetExcessText({ scope: 'day', unit: 'tokens', used: 1234567, max: 1000000 })).toBe(
      "the project's daily budget exceeded: 1,234,567 tokens of 1,000,000 max",
    );
    expect(amount(0.0042, 'USD')).toBe('0.0042 USD');
    expect(amount(0, 'USD')).toBe('0.00 USD');
  });
});
