import { isFailed } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { describeTask } from '../../operations/status-operation.js';
import { statusJson, type TaskSummary } from '../../operations/task-summary.js';
import { causeSummary, pastableAdvice } from '../shared/failure-cause.js';
import { stateLabel } from '../shared/state-label.js';

/** What the page shows of a task in the words of the CLI (src/ui/shared), made on the server. */
export interface TaskDisplay {
  /** The state as `dispatch status` labels it ("waiting 001"). */
  label: string;
  /** Why a failed task failed, as `dispatch status ID` says it; null when not known. */
  cause: string | null;
  /** What to do about it. */
  advice: string | null;
}

/** A task as the dashboard sends it: the JSON of `dispatch status --json`, and its display. */
export type DashboardTask = TaskSummary & { display: TaskDisplay };

/**
 * Turns statuses into the page's JSON. The failure cause is read from the worker's log once per
 * finished attempt (a failed task does not change until it is retried), not on every event.
 */
type Cause = Pick<TaskDisplay, 'cause' | 'advice'>;

const NO_CAUSE: Cause = { cause: null, advice: null };

export class TaskJson {
  private readonly causes = new Map<string, { key: string; cause: Cause }>();

  constructor(private readonly ctx: OperationContext) {}

  of(status: TaskStatus): DashboardTask {
    return {
      ...statusJson(status),
      display: { label: stateLabel(status, false), ...this.cause(status) },
    };
  }

  private cause(status: TaskStatus): Cause {
    if (!isFailed(status.state)) return NO_CAUSE;
    const key = `${status.attempt}\u0000${status.state}\u0000${status.endedAt ?? ''}`;
    const known = this.causes.get(status.id);
    if (known?.key === key) return known.cause;
    let cause = NO_CAUSE;
    try {
      const detail = describeTask(this.ctx, status);
      const found = detail.cause;
      if (found)
        cause = {
          cause: causeSummary(found),
          advice: pastableAdvice(found.advice, status.id, detail.alternatives),
        };
    } catch {
      // An unreadable config or log: the card shows the reason the status gives.
    }
    this.causes.set(status.id, { key, cause });
    return cause;
  }
}
