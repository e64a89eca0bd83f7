import type { TaskStatus } from '../../core/status/task-status.js';

/**
 * The one typed stream every live view reads: the terminal view, `--json` output, the dashboard's
 * server-sent events, MCP's wait tool and the library's subscribe().
 */
export type FeedEvent =
  /** Every task as it is when the feed starts. */
  | { kind: 'snapshot'; tasks: TaskStatus[] }
  | { kind: 'added'; task: TaskStatus }
  /** Anything visible changed: state, progress, current item, question, exit. */
  | { kind: 'changed'; task: TaskStatus; previous: TaskStatus }
  /** A question appeared that was not pending before (live, or left by a worker that gave up). */
  | { kind: 'question'; task: TaskStatus }
  /** The task entered a final state: done, failed, timed-out, cancelled, not-started. */
  | { kind: 'finished'; task: TaskStatus }
  | { kind: 'removed'; id: string };

export type FeedEventKind = FeedEvent['kind'];
