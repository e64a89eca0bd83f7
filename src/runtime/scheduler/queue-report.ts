import type { Config } from '../../core/config/config-types.js';
import { planStarts } from '../../core/schedule/plan-starts.js';
import type { Priority } from '../../core/task/task-meta.js';
import type { TaskStore } from '../store/task-store.js';
import { scheduleLimits, schedulableTasks } from './schedulable-tasks.js';
import { isLive } from '../../core/status/state-groups.js';

export interface QueueEntry {
  id: string;
  /** Place in the start order, from 1. */
  position: number;
  priority: Priority;
  /** Why it has not started, in words. */
  reason: string;
  /** `start`: a slot is free and the scheduler starts it on its next pass. */
  outlook: 'start' | 'wait' | 'skip';
  capability: string | undefined;
}

export interface QueueReport {
  entries: QueueEntry[];
  /** Tasks taking a slot now. */
  running: number;
  maxParallel: number | undefined;
}

/**
 * The queue as the scheduler sees it, read from the files without taking the lock or starting
 * anything: every queued task in start order with the reason it waits.
 */
export function queueReport(store: TaskStore, config: Config): QueueReport {
  const { tasks } = schedulableTasks(store, config);
  const plan = planStarts(tasks, scheduleLimits(config));
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const entries = plan.order.map((id, index): QueueEntry => {
    const task = byId.get(id);
    const skip = plan.skip.get(id);
    const wait = plan.waiting.get(id);
    return {
      id,
      position: index + 1,
      priority: task?.priority ?? 'normal',
      reason:
        skip !== undefined
          ? `will not start: ${skip}`
          : (wait ??
            `a slot is free${plan.assign.has(id) ? ` (on ${plan.assign.get(id)})` : ''}; starting`),
      outlook: skip !== undefined ? 'skip' : wait !== undefined ? 'wait' : 'start',
      capability: task?.capability,
    };
  });
  return {
    entries,
    running: tasks.filter((task) => isLive(task.state)).length,
    maxParallel: config.maxParallel,
  };
}
