import type { TaskEvent, TokenUsage } from '../task/task-events.js';

/** A task's own limits (`--max-cost`, `--max-tokens`, or the alias's `max_cost_usd`, `max_tokens`). */
export interface TaskBudget {
  maxCostUsd?: number;
  maxTokens?: number;
}

/** A project's limits per calendar day (`daily_budget` in the config), over all its tasks. */
export interface DailyBudget {
  costUsd?: number;
  tokens?: number;
}

/**
 * What the worker of a running attempt has used so far, as its log filter last wrote it to the
 * task's `usage.json` (docs/verify.md, Budgets).
 */
export interface RunningUsage extends TokenUsage {
  attempt: number;
  time: string;
}

/** Tokens and cost added up; the cost is known only when every part that used tokens reported one. */
export interface SpentUsage {
  tokens: number;
  /** Undefined when some usage came without a price (a CLI that reports tokens only). */
  costUsd: number | undefined;
  /** Parts (attempts) that used tokens without reporting a cost. */
  unpriced: number;
}

/** A limit that was passed: which one, how much was used, and the limit. */
export interface BudgetExcess {
  scope: 'task' | 'day';
  unit: 'USD' | 'tokens';
  used: number;
  max: number;
}

export const NOTHING_SPENT: SpentUsage = { tokens: 0, costUsd: 0, unpriced: 0 };

/** The tokens one usage report counts against a budget: everything sent and received. */
export function tokensOf(usage: TokenUsage): number {
  return finite(usage.inputTokens) + finite(usage.outputTokens);
}

/** Adds one attempt's usage. */
export function addUsage(sum: SpentUsage, usage: TokenUsage): SpentUsage {
  const tokens = tokensOf(usage);
  const cost = usage.costUsd;
  const priced = typeof cost === 'number' && Number.isFinite(cost);
  const unpriced = !priced && tokens > 0;
  return {
    tokens: sum.tokens + tokens,
    costUsd: sum.costUsd === undefined || unpriced ? undefined : sum.costUsd + (priced ? cost : 0),
    unpriced: sum.unpriced + (unpriced ? 1 : 0),
  };
}

/**
 * The attempts a task's budget covers: since it was last started by hand (`dispatch retry` or
 * `continue` give it a fresh budget, as they give it fresh verify rounds); answers, lost sessions
 * and `--iterate` rounds spend from the same budget.
 */
export function budgetStartAttempt(events: readonly TaskEvent[]): number {
  let start = 1;
  for (const event of events)
    if (event.type === 'resumed' && (event.reason === 'retry' || event.reason === 'continue'))
      start = event.attempt;
  return start;
}

/**
 * What a task's attempts from `fromAttempt` on have used: each finished attempt's `usage` event,
 * and for an attempt without one (still running, or killed before its log filter wrote it) the
 * running usage its log filter last wrote. `since` (ms) keeps only usage recorded from then on.
 */
export function spentByTask(
  events: readonly TaskEvent[],
  running: RunningUsage | undefined,
  options: { fromAttempt?: number; sinceMs?: number } = {},
): SpentUsage {
  const from = options.fromAttempt ?? 1;
  const since = options.sinceMs ?? -Infinity;
  let sum = NOTHING_SPENT;
  const reported = new Set<number>();
  for (const event of events) {
    if (event.type !== 'usage' || !(event.attempt >= from)) continue;
    reported.add(event.attempt);
    if (Date.parse(event.time) >= since) sum = addUsage(sum, event);
  }
  if (
    running &&
    running.attempt >= from &&
    !reported.has(running.attempt) &&
    Date.parse(running.time) >= since
  )
    sum = addUsage(sum, running);
  return sum;
}

/** Adds the usage of several tasks (a project's day). */
export function addSpent(a: SpentUsage, b: SpentUsage): SpentUsage {
  return {
    tokens: a.tokens + b.tokens,
    costUsd: a.costUsd === undefined || b.costUsd === undefined ? undefined : a.costUsd + b.costUsd,
    unpriced: a.unpriced + b.unpriced,
  };
}

/**
 * The first limit the usage has passed, tokens first. A cost limit is judged only on a known
 * cost: usage without a price is never taken for $0. A running worker has passed a limit when
 * its usage is above it (reaching it exactly is still within it); with `reached`, a limit used
 * up exactly counts too (nothing is left for a new task).
 */
export function budgetExcess(
  spent: SpentUsage,
  limits: { maxTokens?: number; maxCostUsd?: number },
  scope: BudgetExcess['scope'],
  options: { reached?: boolean } = {},
): BudgetExcess | undefined {
  const over = (used: number, max: number) =>
    used > max || (options.reached === true && used >= max);
  if (limits.maxTokens !== undefined && over(spent.tokens, limits.maxTokens))
    return { scope, unit: 'tokens', used: spent.tokens, max: limits.maxTokens };
  if (
    limits.maxCostUsd !== undefined &&
    spent.costUsd !== undefined &&
    over(spent.costUsd, limits.maxCostUsd)
  )
    return { scope, unit: 'USD', used: spent.costUsd, max: limits.maxCostUsd };
  return undefined;
}

/** A project's daily limits in the form `budgetExcess` takes. */
export function dailyLimits(budget: DailyBudget): { maxTokens?: number; maxCostUsd?: number } {
  return {
    ...(budget.tokens !== undefined ? { maxTokens: budget.tokens } : {}),
    ...(budget.costUsd !== undefined ? { maxCostUsd: budget.costUsd } : {}),
  };
}

/**
 * "budget exceeded: 1.23 USD of 1.00 max", "the project's daily budget exceeded: 1,200 tokens of
 * 1,000 max".
 */
export function budgetExcessText(excess: BudgetExcess): string {
  const what = excess.scope === 'day' ? "the project's daily budget" : 'budget';
  const max = amount(excess.max, excess.unit).replace(/ (USD|tokens)$/, '');
  return `${what} exceeded: ${amount(excess.used, excess.unit)} of ${max} max`;
}

/** "1.23 USD", "1,200 tokens". */
export function amount(value: number, unit: BudgetExcess['unit']): string {
  if (unit === 'USD') return `${value.toFixed(value !== 0 && Math.abs(value) < 0.01 ? 4 : 2)} USD`;
  return `${groupDigits(Math.round(value))} tokens`;
}

/** 1200 → "1,200", without Intl (costly to set up at start-up). */
function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The start of the local calendar day that holds `nowMs`, in ms since the epoch. */
export function startOfDay(nowMs: number): number {
  const day = new Date(nowMs);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

function finite(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
