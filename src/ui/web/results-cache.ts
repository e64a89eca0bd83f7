import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskResults } from '../../operations/show-operation.js';

/** Long enough for a page that follows a busy log, short enough to see a merge made elsewhere. */
const FRESH_MS = 5000;

/**
 * What each task produced, as last read: reading it runs git for a worktree task, and a task
 * page asks again for every burst of log output. Read again when the task's status moved on,
 * after a few seconds, or after an action on it.
 */
export class ResultsCache {
  private readonly entries = new Map<
    string,
    { key: string; at: number; results: TaskResults | null }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  get(status: TaskStatus): TaskResults | null | undefined {
    const entry = this.entries.get(status.id);
    if (!entry || entry.key !== keyOf(status) || this.now() - entry.at > FRESH_MS) return undefined;
    return entry.results;
  }

  set(status: TaskStatus, results: TaskResults | null): TaskResults | null {
    this.entries.set(status.id, { key: keyOf(status), at: this.now(), results });
    return results;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

function keyOf(status: TaskStatus): string {
  return [
    status.state,
    status.attempt,
    status.endedAt ?? '',
    status.question?.seq ?? '',
    status.progress.done,
  ].join('\u0000');
}
