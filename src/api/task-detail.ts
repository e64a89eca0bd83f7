import type { Config } from '../core/config/config-types.js';
import type { TaskStatus } from '../core/status/task-status.js';
import type { TaskStore } from '../runtime/store/task-store.js';
import { diagnoseFailure } from '../runtime/tasks/diagnose-failure.js';
import type { TaskDetail } from './api-types.js';
import { statusJson } from './task-summary.js';
import { isFailed } from '../core/status/state-groups.js';

/** One task in detail, as `dispatch status ID --json` shows it: after a failure, also why. */
export function taskDetail(store: TaskStore, config: () => Config, status: TaskStatus): TaskDetail {
  const files = store.files(status.id);
  // The config is read only when there is a failure to diagnose, so a broken config does not
  // hide the status of a healthy task.
  const diagnosis = isFailed(status.state) ? diagnoseFailure(store, config(), status) : undefined;
  return {
    ...statusJson(status),
    worktree: store.meta(status.id)?.worktree ?? null,
    taskDir: files.taskDir,
    planFile: files.plan,
    cause: diagnosis?.cause ?? null,
    logTail: diagnosis?.logTail ?? null,
    alternatives: diagnosis?.alternatives ?? null,
  };
}
