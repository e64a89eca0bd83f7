import { existsSync, lstatSync } from 'node:fs';
import type { Config } from '../../core/config/config-types.js';
import { DispatchError } from '../../core/errors.js';
import {
  NOTHING_SPENT,
  amount,
  addSpent,
  budgetExcess,
  dailyLimits,
  spentByTask,
  startOfDay,
  type BudgetExcess,
  type DailyBudget,
  type SpentUsage,
} from '../../core/budget/budget.js';
import { refuseSymlink } from '../fs/no-follow.js';
import { readEvents, readMeta } from '../store/read-snapshot.js';
import type { TaskStore } from '../store/task-store.js';
import { distrustReason } from '../trust/task-trust.js';
import { readRunningUsage } from './running-usage.js';

/**
 * What a project's tasks have used since the start of the local day: every usage event recorded
 * today, and the running usage of attempts still going. Only tasks whose history or usage.json
 * changed today are read, and tasks the user did not create count for nothing (their files are
 * anyone's to write).
 */
export function spentToday(store: TaskStore, nowMs: number): SpentUsage {
  const dayStart = startOfDay(nowMs);
  let sum = NOTHING_SPENT;
  for (const id of store.listIds()) {
    const files = store.files(id);
    if (!changedSince(files.events, dayStart) && !changedSince(files.usage, dayStart)) continue;
    let events;
    try {
      refuseSymlink(files.taskDir);
      events = readEvents(files);
      if (!events.some((event) => event.type === 'usage') && !existsSync(files.usage)) continue;
      if (distrustReason(id, files, readMeta(files), events, store.env) !== undefined) continue;
    } catch {
      continue;
    }
    sum = addSpent(sum, spentByTask(events, readRunningUsage(files.usage), { sinceMs: dayStart }));
  }
  return sum;
}

/**
 * The daily limit the project has passed today (`reached`: or used up exactly, which leaves
 * nothing for a new task), with what was spent; undefined without a daily budget.
 */
export function dailyExcess(
  store: TaskStore,
  budget: DailyBudget | undefined,
  nowMs: number,
  options: { reached?: boolean } = {},
): { excess: BudgetExcess | undefined; spent: SpentUsage } | undefined {
  if (!budget) return undefined;
  const spent = spentToday(store, nowMs);
  return { excess: budgetExcess(spent, dailyLimits(budget), 'day', options), spent };
}

function changedSince(path: string, sinceMs: number): boolean {
  try {
    return lstatSync(path).mtimeMs >= sinceMs;
  } catch {
    return false;
  }
}

/**
 * Refuses a new task when the project's daily budget is used up: it would be stopped as soon as
 * it spent anything.
 */
export function refuseWhenDayIsSpent(store: TaskStore, config: Config): void {
  const day = dailyExcess(store, config.dailyBudget, Date.now(), { reached: true });
  if (!day?.excess) return;
  const { used, max, unit } = day.excess;
  throw new DispatchError(
    'state',
    `the project's daily budget is spent: ${amount(used, unit)} used today of ${amount(max, unit)}`,
    {
      hint: `No new task starts in ${store.paths.project} until tomorrow (local time), or raise daily_budget in ${config.file ?? 'the config'} (dispatch config path).`,
    },
  );
}
