import { lstatSync, unlinkSync } from 'node:fs';
import { join, sep } from 'node:path';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import { TASK_STATES, type TaskStatus } from '../../core/status/task-status.js';
import { isValidTaskId } from '../../core/task/task-id.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { cacheOwner } from '../trust/task-trust.js';
import { readFileNoFollow } from './read-text.js';

/** The first word of the index's header line; the format number and the owner follow it. */
const MAGIC = 'dispatch-status-index';
// 3: one line per task (2 was status-cache.json, one JSON object).
const FORMAT = 3;
const FILE = 'status-index';
/** What this index replaces: removed when the index is first written. */
const LEGACY_FILE = 'status-cache.json';

const STATES: ReadonlySet<string> = new Set(TASK_STATES);

interface Entry {
  stamp: string;
  /** The status as stored: parsed only when the stamp still matches. */
  json: string;
  status?: TaskStatus;
}

/**
 * Statuses of finished tasks, kept in `.dispatch/status-index` so that listing thousands of tasks
 * costs three stat calls per finished task instead of reading and parsing its files. One line per
 * task, `id TAB stamp TAB status-json`, under a header naming the format and the owner; a line is
 * parsed only when its task is shown, and an unchanged line is written back as it was read.
 *
 * An entry counts only while its stamp — the sizes and modification times of the task's ipc/
 * folder, events.jsonl and plan.md — still matches, so it cannot drift from the files: every
 * change to a finished task touches one of them (a retry, a note or an answer appends an event; an
 * edit of plan.md by hand changes plan.md, a plan replaced by a rename is a new file with a new
 * time; an answer written by hand or a worker's question lands in ipc/). Only tasks whose worker
 * is gone (finished or blocked) are indexed: a running task's status also depends on a live
 * process. The files stay the truth: an index that is missing, damaged, of another format or
 * owner is rebuilt from them, a damaged line is derived again.
 */
export class StatusIndex {
  private entries = new Map<string, Entry>();
  private changed = false;
  /** Whether an index of ours was read: if not, the next save replaces whatever was there. */
  private loaded = false;

  /**
   * @param owner the user's fingerprint for this root (see cacheOwner): an index someone else
   *   wrote (planted, copied from another root, or from before tasks were signed) is ignored, so
   *   it cannot make a task look like the user's own.
   */
  constructor(
    private readonly root: string,
    private readonly owner: string | undefined,
  ) {}

  static forRoot(root: string, env: NodeJS.ProcessEnv = process.env): StatusIndex {
    return new StatusIndex(root, cacheOwner(root, env)).load();
  }

  private get file(): string {
    return join(this.root, FILE);
  }

  private load(): this {
    if (this.owner === undefined) return this;
    let text;
    try {
      text = readFileNoFollow(this.file);
    } catch {
      return this; // no index yet: everything is derived from the files
    }
    const headerEnd = text.indexOf('\n');
    if (headerEnd < 0 || text.slice(0, headerEnd) !== `${MAGIC} ${FORMAT} ${this.owner}`)
      return this;
    this.loaded = true;
    let start = headerEnd + 1;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const firstTab = text.indexOf('\t', start);
      const secondTab = firstTab < 0 ? -1 : text.indexOf('\t', firstTab + 1);
      const id = firstTab < 0 || firstTab > end ? '' : text.slice(start, firstTab);
      if (secondTab > 0 && secondTab < end && isValidTaskId(id) && !this.entries.has(id)) {
        this.entries.set(id, {
          stamp: text.slice(firstTab + 1, secondTab),
          json: text.slice(secondTab + 1, end),
        });
      } else if (end > start) {
        this.changed = true; // a damaged line: dropped, and the index written again without it
      }
      start = end + 1;
    }
    return this;
  }

  /**
   * The stamp of a task's files, links not followed (a link in place of a file changes it). The
   * paths are put together here rather than through TaskFiles: this runs for every task listed.
   */
  static stamp(taskDir: string): string {
    return `${part(`${taskDir}${sep}ipc`)}:${part(`${taskDir}${sep}events.jsonl`)}:${part(`${taskDir}${sep}plan.md`)}`;
  }

  get(id: string, stamp: string): TaskStatus | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.stamp !== stamp) return undefined;
    if (entry.status) return entry.status;
    const status = parseStatus(id, entry.json);
    if (!status) {
      this.entries.delete(id);
      this.changed = true;
      return undefined;
    }
    entry.status = status;
    return status;
  }

  remember(id: string, stamp: string, status: TaskStatus): void {
    // An untrusted task changes when it is signed (`dispatch trust`), which the stamp does not see.
    const settled = TERMINAL_STATES.has(status.state) || status.state === 'blocked';
    if (!settled || status.untrusted !== undefined) {
      if (this.entries.delete(id)) this.changed = true;
      return;
    }
    this.entries.set(id, { stamp, json: JSON.stringify(status), status });
    this.changed = true;
  }

  /** Drops tasks that no longer exist and writes the index if anything changed. */
  save(existing: ReadonlySet<string>): void {
    for (const id of this.entries.keys()) {
      if (!existing.has(id)) {
        this.entries.delete(id);
        this.changed = true;
      }
    }
    if (!this.changed || this.owner === undefined) return;
    const lines = [`${MAGIC} ${FORMAT} ${this.owner}`];
    for (const [id, entry] of this.entries) lines.push(`${id}\t${entry.stamp}\t${entry.json}`);
    try {
      writeFileAtomic(this.file, `${lines.join('\n')}\n`, { mode: 0o600 });
      if (!this.loaded) unlinkSync(join(this.root, LEGACY_FILE));
    } catch {
      // an index that cannot be written only costs speed; a legacy file left only costs space
    }
    this.loaded = true;
    this.changed = false;
  }
}

/** Modification time and size of one file or folder; "-" when it is missing. */
function part(path: string): string {
  const stats = lstatSync(path, { throwIfNoEntry: false });
  return stats ? `${stats.mtimeMs}:${stats.size}` : '-';
}

/**
 * A stored status; undefined for a line that is not one (damaged, or of another task). Only the
 * fields every listing reads are checked: the index is the user's own file (see cacheOwner), so
 * this guards against damage, not forgery.
 */
function parseStatus(id: string, json: string): TaskStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const status = value as Partial<TaskStatus>;
  const progress = status.progress;
  if (
    status.id !== id ||
    typeof status.state !== 'string' ||
    !STATES.has(status.state) ||
    typeof status.title !== 'string' ||
    typeof status.attempt !== 'number' ||
    typeof progress !== 'object' ||
    progress === null ||
    typeof progress.done !== 'number' ||
    typeof progress.total !== 'number' ||
    !Array.isArray(progress.blocked) ||
    !Array.isArray(progress.errors)
  )
    return undefined;
  return status as TaskStatus;
}
