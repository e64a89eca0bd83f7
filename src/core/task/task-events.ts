/**
 * events.jsonl: the append-only history of a task, one JSON object per line. Each line stays under
 * 4 KiB so an O_APPEND write lands whole even with several writers. Status is derived from these
 * events together with the plan and the IPC folder.
 */
export type TaskEvent =
  | { type: 'created'; time: string }
  | { type: 'queued'; time: string }
  | {
      type: 'spawned';
      time: string;
      attempt: number;
      pid: number;
      /** Process start time (clock ticks since boot on Linux) so a reused pid is not mistaken. */
      startTime: string | null;
      model: string;
      backend: string;
      prompt: string;
    }
  | { type: 'spawn-failed'; time: string; attempt: number; error: string }
  /**
   * Written by the worker's shell wrapper itself, so the status survives the supervisor; with the
   * signal the wrapper received while the worker ran (cancel, timeout), if any: only then is a
   * code above 128 a death by signal.
   */
  | {
      type: 'exited';
      time: string;
      attempt: number;
      code: number;
      signal?: string;
      /** A node task's: why the node says its task ended so (docs/nodes.md). */
      reason?: string;
    }
  | { type: 'question'; time: string; seq: number }
  /** The worker wrote NNN.done: it has read the answer. */
  | { type: 'acknowledged'; time: string; seq: number }
  /** Recorded once when the supervisor first sees the task done (or failed), for notifications. */
  | { type: 'completed'; time: string }
  | { type: 'failed'; time: string; reason: string }
  | { type: 'answered'; time: string; seq: number | null; by: string; preview: string }
  | { type: 'note'; time: string; id: string; preview: string }
  | { type: 'note-restored'; time: string; id: string }
  | { type: 'timed-out'; time: string; idleMinutes: number; stopped: boolean }
  | { type: 'cancelled'; time: string; by: string; reason: string }
  /**
   * The supervisor stopped the attempt's worker because the task's budget or the project's daily
   * budget was passed (docs/verify.md, Budgets); the task has failed with this reason.
   */
  | {
      type: 'budget-exceeded';
      time: string;
      attempt: number;
      scope: 'task' | 'day';
      unit: 'USD' | 'tokens';
      used: number;
      max: number;
      stopped: boolean;
    }
  /** A worker node took this attempt from the queue (docs/nodes.md). */
  | { type: 'on-node'; time: string; attempt: number; node: string }
  /**
   * The worker node running this attempt verifies it with its own alias's verify command
   * (docs/nodes.md): shown here, never run here. Its runs and results follow as the usual
   * `verify-started` and `verified` events, one pair per round the node runs.
   */
  | {
      type: 'verify-on-node';
      time: string;
      attempt: number;
      command: string;
      timeoutMinutes: number;
      iterate: number;
    }
  /**
   * The worker node pushed the task's branch `dispatch/<id>` to the repository's remote: at the
   * end of the attempt, or (`partial`) when its worker fell back to wait for an answer, so that
   * another node can go on from that commit if this one is lost (docs/nodes.md).
   */
  | {
      type: 'node-pushed';
      time: string;
      attempt: number;
      node: string;
      commit: string;
      partial: boolean;
    }
  /** The worker node running this attempt stopped answering (docs/nodes.md). */
  | { type: 'node-lost'; time: string; attempt: number; node: string; reason: string }
  /**
   * The relay of a node task's attempt was found gone without the node's exit (the machine slept
   * or rebooted, the relay was killed) and was started again on the same attempt (docs/nodes.md).
   */
  | { type: 'relay-restarted'; time: string; attempt: number; previousPid: number }
  /**
   * Whether a live node offers what this attempt's job asks for (docs/nodes.md, Routing): the
   * relay records why none does while the job waits, and null once one does.
   */
  | { type: 'node-wait'; time: string; attempt: number; reason: string | null }
  /** The relay of a node task's attempt failed in itself (written by the relay as it ends). */
  | { type: 'relay-failed'; time: string; attempt: number; error: string }
  | { type: 'skipped'; time: string; reason: string }
  /**
   * The worker was still running a grace (DISPATCH_DONE_EXIT_GRACE_MS, a minute) after it marked
   * the task done; the supervisor stopped it. The task stays done.
   */
  | { type: 'stopped-after-done'; time: string; attempt: number; pid: number; graceSeconds: number }
  /**
   * Processes of the task still running after its worker ended or when it was cancelled or timed
   * out (a daemon, a tool command in a group of its own), found by their environment and stopped.
   * At most the first 20 are listed, by pid and the short name the kernel keeps.
   */
  | {
      type: 'processes-stopped';
      time: string;
      attempt: number | null;
      after: 'cancel' | 'completion' | 'timeout';
      count: number;
      killed: number;
      processes: { pid: number; name: string }[];
    }
  | {
      type: 'resumed';
      time: string;
      attempt: number;
      /**
       * Why the task continues: an answer after the fallback, `dispatch retry`, `dispatch
       * continue`, a resumed session the CLI could no longer open (a new worker takes over),
       * a failed verify command with rounds left (`--iterate`), or a transient failure of the
       * CLI (the same attempt once more, after a backoff).
       */
      reason: ResumeReason;
      model: string;
      /** The attempt waits for a free slot (a parallel limit applies); the scheduler starts it. */
      queued?: boolean;
      /**
       * The worker CLI's session this attempt resumes (validated, see worker-session.ts), so the
       * model keeps everything it read and reasoned; absent when a new worker starts with the
       * plan and context.md.
       */
      session?: string;
      /**
       * For 'transient-retry': the attempt does not start before this time (a backoff with
       * jitter, so parallel workers that failed together do not collide again), and the cause
       * it retries, in words.
       */
      notBefore?: string;
      cause?: string;
    }
  /**
   * The session a worker CLI named in its JSON output (appended by the log filter as soon as it
   * appears): what a later attempt resumes.
   */
  | { type: 'session'; time: string; attempt: number; backend: string; session: string }
  /** What `dispatch merge` / `dispatch discard` did to the task's git worktree and branch. */
  | {
      type: 'worktree';
      time: string;
      action: 'committed' | 'merged' | 'discarded';
      branch: string;
      commit: string | null;
    }
  /**
   * The supervisor started the task's verify command (docs/verify.md) on what this attempt left;
   * `run` counts the starts for the attempt, so a run interrupted by a supervisor restart and run
   * again shows as two. pid and startTime identify its process group.
   */
  | {
      type: 'verify-started';
      time: string;
      attempt: number;
      run: number;
      pid: number;
      startTime: string | null;
    }
  /** The supervisor that ran a verify command ended before recording its result. */
  | { type: 'verify-interrupted'; time: string; attempt: number; run: number; stopped: boolean }
  /**
   * The verify command's result for this attempt (its output is in verify.log). `iterate`: a
   * failure for which a new round starts (`--iterate`), so the task is not over yet.
   */
  | {
      type: 'verified';
      time: string;
      attempt: number;
      run: number;
      passed: boolean;
      /** Exit code; null when it was killed (time limit) or could not start. */
      code: number | null;
      signal?: string;
      timedOut: boolean;
      durationMs: number;
      /** Why it could not run at all (a missing folder), if so. */
      error?: string;
      iterate: boolean;
      /** The last line of its output, for lists and notifications. */
      lastLine: string;
    }
  /**
   * Tokens and cost one attempt used, as the agent CLI reported them in its JSON output;
   * appended by the worker's log filter when the CLI's output ends.
   */
  | ({ type: 'usage'; time: string; attempt: number } & TokenUsage);

/** Token counts and cost as an agent CLI reports them; fields it does not report are absent. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache. */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache. */
  cacheWriteTokens?: number;
  costUsd?: number;
}

export type TaskEventType = TaskEvent['type'];

export type ResumeReason =
  'answer' | 'retry' | 'continue' | 'session-lost' | 'verify' | 'transient-retry';

/** The next attempt number of a task: one more than any attempt its history mentions. */
export function nextAttempt(events: readonly TaskEvent[]): number {
  let max = 0;
  for (const event of events)
    if ('attempt' in event && typeof event.attempt === 'number') max = Math.max(max, event.attempt);
  return max + 1;
}

/** Keeps a preview short enough that the event line stays well under 4 KiB. */
export function preview(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  // Never cut between the two halves of a surrogate pair (an emoji), which is not valid UTF-8.
  const cut = /[\uD800-\uDBFF]/.test(flat.charAt(max - 2)) ? max - 2 : max - 1;
  return `${flat.slice(0, cut)}…`;
}

/** Parses events.jsonl, skipping a torn or foreign line instead of failing the whole history. */
export function parseEvents(text: string): { events: TaskEvent[]; badLines: number[] } {
  const events: TaskEvent[] = [];
  const badLines: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    try {
      const value: unknown = JSON.parse(line);
      if (
        value &&
        typeof value === 'object' &&
        typeof (value as { type?: unknown }).type === 'string'
      ) {
        events.push(value as TaskEvent);
      } else {
        badLines.push(index + 1);
      }
    } catch {
      badLines.push(index + 1);
    }
  });
  return { events, badLines };
}
