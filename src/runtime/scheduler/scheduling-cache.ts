import { lstatSync } from 'node:fs';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskState } from '../../core/status/task-status.js';
import { latestWorker } from '../../core/task/current-attempt.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import type { TaskFiles } from '../paths.js';

/** What a scheduling pass reads of one task. */
export interface TaskReading {
  meta: TaskMeta | undefined;
  state: TaskState;
  createdAt: string | undefined;
  events: TaskEvent[];
}

interface Entry extends TaskReading {
  stamp: string;
}

/**
 * The readings of tasks whose state follows from their files alone, kept between the scheduling
 * passes of one long-lived process (the supervisor). A pass reads every task of the root; with a
 * thousand tasks that is most of its cost (0.4 ms a task), while the tasks that matter — the
 * queued ones about to start, the running ones holding slots — are a few. A kept reading is used
 * again only while the files it came from are unchanged (inode, size and modification time of
 * task.json, events.jsonl, plan.md and the ipc/ folder). Only queued and finished tasks are kept,
 * and none whose latest worker has not exited: its state also depends on whether it still runs.
 */
export class SchedulingCache {
  private readonly entries = new Map<string, Entry>();

  /** The kept reading of a task, if its files have not changed since. */
  reading(id: string, files: TaskFiles): TaskReading | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.stamp === stampOf(files)) return entry;
    this.entries.delete(id);
    return undefined;
  }

  /**
   * Keeps a reading taken just after `stamp` was read (a change in between makes the stamp stale,
   * so the next pass reads the task again rather than trusting an older reading).
   */
  keep(id: string, stamp: string, reading: TaskReading): void {
    if (reading.state !== 'queued' && !TERMINAL_STATES.has(reading.state)) return;
    const worker = latestWorker(reading.events);
    if (worker && worker.exited === undefined) return;
    this.entries.set(id, { ...reading, stamp });
  }

  /** Forgets the tasks that are gone from the root. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) if (!ids.has(id)) this.entries.delete(id);
  }

  /** The identity of the files a reading depends on. */
  static stamp(files: TaskFiles): string {
    return stampOf(files);
  }
}

function stampOf(files: TaskFiles): string {
  return [files.meta, files.events, files.plan, files.ipc]
    .map((path) => {
      const stat = lstatSync(path, { bigint: true, throwIfNoEntry: false });
      return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : '-';
    })
    .join('/');
}
