import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import type { TaskFiles } from '../paths.js';
import { cacheOwner } from '../trust/task-trust.js';
import { readFileNoFollow } from './read-text.js';

// 2: statuses carry the task's worktree.
const FORMAT = 2;

interface Entry {
  stamp: string;
  status: TaskStatus;
}

/**
 * Statuses of finished tasks, kept in `.dispatch/status-cache.json` so that listing thousands of
 * tasks costs three stat calls per finished task instead of reading and parsing its files. An
 * entry counts only while its stamp — the sizes and modification times of its ipc/ folder,
 * events.jsonl and plan.md (a plan replaced by a rename is a new file with a new time) — still
 * matches, so it cannot drift from the files: any
 * change (a retry, an edit, a note) makes it be derived again. Only tasks whose worker is gone
 * (finished or blocked) are cached: a running task's status also depends on a live process.
 */
export class StatusCache {
  private entries = new Map<string, Entry>();
  private changed = false;

  /**
   * @param owner the user's fingerprint for this root (see cacheOwner): a cache someone else
   *   wrote (planted, copied, or from before tasks were signed) is ignored, so it cannot make a
   *   task look like the user's own.
   */
  constructor(
    private readonly file: string,
    private readonly owner: string | undefined,
  ) {}

  static forRoot(root: string, env: NodeJS.ProcessEnv = process.env): StatusCache {
    return new StatusCache(join(root, 'status-cache.json'), cacheOwner(root, env)).load();
  }

  private load(): this {
    try {
      const data = JSON.parse(readFileNoFollow(this.file)) as {
        format: number;
        owner?: string;
        entries: Record<string, Entry>;
      };
      if (data.format === FORMAT && this.owner !== undefined && data.owner === this.owner)
        this.entries = new Map(Object.entries(data.entries));
    } catch {
      // no cache yet, or a damaged one: everything is derived from the files
    }
    return this;
  }

  /** The stamp of a task's files, links not followed (a link in place of a file changes it). */
  static stamp(files: TaskFiles): string {
    const parts: (number | string)[] = [];
    for (const path of [files.ipc, files.events, files.plan]) {
      const stats = lstatSync(path, { throwIfNoEntry: false });
      if (stats) parts.push(stats.mtimeMs, stats.size);
      else parts.push('-');
    }
    return parts.join(':');
  }

  get(id: string, stamp: string): TaskStatus | undefined {
    const entry = this.entries.get(id);
    return entry && entry.stamp === stamp ? entry.status : undefined;
  }

  remember(id: string, stamp: string, status: TaskStatus): void {
    // An untrusted task changes when it is signed (`dispatch trust`), which the stamp does not see.
    const settled = TERMINAL_STATES.has(status.state) || status.state === 'blocked';
    if (!settled || status.untrusted !== undefined) {
      if (this.entries.delete(id)) this.changed = true;
      return;
    }
    this.entries.set(id, { stamp, status });
    this.changed = true;
  }

  /** Drops tasks that no longer exist and writes the cache if anything changed. */
  save(existing: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) {
      if (!existing.has(id)) {
        this.entries.delete(id);
        this.changed = true;
      }
    }
    if (!this.changed || this.owner === undefined) return;
    try {
      writeFileAtomic(
        this.file,
        JSON.stringify({
          format: FORMAT,
          owner: this.owner,
          entries: Object.fromEntries(this.entries),
        }),
        { mode: 0o600 },
      );
    } catch {
      // a cache that cannot be written only costs speed
    }
  }
}
