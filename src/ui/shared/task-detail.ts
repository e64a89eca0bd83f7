import { parsePlan } from '../../core/plan/parse-plan.js';
import type { Plan } from '../../core/plan/plan-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { MAX_PLAN_BYTES, readTextFile } from '../../runtime/store/read-text.js';
import type { TaskStore } from '../../runtime/store/task-store.js';
import { logTail } from '../../runtime/tasks/read-log.js';

/** What a task's own page shows beyond its status: the plan as written, notes and the log tail. */
export interface TaskDetail {
  status: TaskStatus;
  planFile: string;
  plan: Plan | undefined;
  /** Why the plan could not be read (missing, not text, too large). */
  planProblem: string | undefined;
  logTail: string[];
}

export function readTaskDetail(store: TaskStore, id: string, logLines = 10): TaskDetail {
  const status = store.status(id);
  const files = store.files(id);
  const read = readTextFile(files.plan, MAX_PLAN_BYTES);
  return {
    status,
    planFile: files.plan,
    plan: read.ok ? parsePlan(read.text) : undefined,
    planProblem: read.ok ? undefined : read.problem,
    logTail: logTail(files.log, logLines),
  };
}
