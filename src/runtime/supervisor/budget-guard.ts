import {
  NOTHING_SPENT,
  addSpent,
  budgetExcess,
  budgetStartAttempt,
  dailyLimits,
  spentByTask,
  startOfDay,
  type BudgetExcess,
  type SpentUsage,
} from '../../core/budget/budget.js';
import type { Config } from '../../core/config/config-types.js';
import { isLive } from '../../core/status/state-groups.js';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { readRunningUsage } from '../budget/running-usage.js';
import type { TaskStore } from '../store/task-store.js';

/**
 * Judges running tasks against their budgets (docs/verify.md, Budgets): the task's own
 * (`--max-cost`, `--max-tokens`) over the attempts since it was last started by hand, and the
 * project's daily budget over what all its tasks used today. It keeps each task's spending of
 * the day as last read, so judging the day costs no read of every task: the supervisor examines
 * every task when it starts, and each again whenever its files change.
 */
export class BudgetGuard {
  private readonly today = new Map<string, { dayStart: number; spent: SpentUsage }>();

  constructor(
    private readonly store: TaskStore,
    private readonly loadConfig: () => Config,
    private readonly now: () => number,
  ) {}

  forget(id: string): void {
    this.today.delete(id);
  }

  /**
   * Updates what the task spent and returns the limit its running worker has passed, if any: the
   * task's own first, else the project's daily one. Only a task the user created counts.
   */
  examine(snapshot: TaskSnapshot, status: TaskStatus): BudgetExcess | undefined {
    const daily = this.loadConfig().dailyBudget;
    const own = snapshot.meta?.budget;
    if (!daily && !own) return undefined;
    // An attempt whose log filter was killed before its usage event left only usage.json.
    const running = readRunningUsage(this.store.files(snapshot.id).usage);
    const dayStart = startOfDay(this.now());
    if (daily)
      this.today.set(snapshot.id, {
        dayStart,
        spent: spentByTask(snapshot.events, running, { sinceMs: dayStart }),
      });
    if (!isLive(status.state)) return undefined;
    if (own) {
      const spent = spentByTask(snapshot.events, running, {
        fromAttempt: budgetStartAttempt(snapshot.events),
      });
      const excess = budgetExcess(spent, own, 'task');
      if (excess) return excess;
    }
    return daily ? budgetExcess(this.spentToday(dayStart), dailyLimits(daily), 'day') : undefined;
  }

  /** Whether the project's daily budget is passed, by what the guard has seen. */
  dayExcess(): BudgetExcess | undefined {
    const daily = this.loadConfig().dailyBudget;
    if (!daily) return undefined;
    return budgetExcess(this.spentToday(startOfDay(this.now())), dailyLimits(daily), 'day');
  }

  private spentToday(dayStart: number): SpentUsage {
    let sum = NOTHING_SPENT;
    for (const entry of this.today.values())
      if (entry.dayStart === dayStart) sum = addSpent(sum, entry.spent);
    return sum;
  }
}
