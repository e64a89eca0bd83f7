import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { openTaskFeed, type FeedEvent } from '../../operations/task-feed.js';
import { feedLines } from './feed-lines.js';

export interface LineWatchOptions {
  ctx: OperationContext;
  ids: string[] | undefined;
  output: NodeJS.WritableStream;
}

export interface LineWatchResult {
  /** Why it ended: every watched task finished, or a signal / closed output stopped it. */
  reason: 'finished' | 'stopped';
  tasks: TaskStatus[];
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * `dispatch watch` when stdout is not a terminal: one plain line per change, driven by the feed,
 * until every watched task is in a final state (at once if there is none to watch).
 */
export function runLineWatch(options: LineWatchOptions): Promise<LineWatchResult> {
  const feed = openTaskFeed(options.ctx, options.ids);
  return new Promise((resolve, reject) => {
    let stopped = false;
    const stop = (reason: LineWatchResult['reason'], error?: unknown) => {
      if (stopped) return;
      stopped = true;
      feed.stop();
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      options.output.off('error', onOutputError);
      if (error !== undefined) reject(error);
      else resolve({ reason, tasks: feed.tasks() });
    };
    const onSignal = () => stop('stopped');
    // A reader that went away (`| head`) ends the watch instead of crashing it.
    const onOutputError = () => stop('stopped');
    let snapshotSeen = false;
    const onEvent = (event: FeedEvent) => {
      // Changes the feed sees while starting are already in its snapshot.
      if (event.kind === 'snapshot') snapshotSeen = true;
      if (stopped || !snapshotSeen) return;
      try {
        const lines = feedLines(event, new Date());
        if (lines.length > 0) options.output.write(`${lines.join('\n')}\n`);
        if (event.kind === 'snapshot' && event.tasks.length === 0)
          options.output.write('No tasks to watch.\n');
        // Not on `changed`: a `finished` event for the same task follows it, and must be printed.
        const settled = event.kind !== 'changed' && event.kind !== 'question';
        if (started && settled && feed.tasks().every((task) => TERMINAL_STATES.has(task.state)))
          stop('finished');
      } catch (error) {
        stop('stopped', error);
      }
    };
    let started = false;
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
    options.output.on('error', onOutputError);
    feed.on('event', onEvent);
    try {
      feed.start();
      started = true;
      if (feed.tasks().every((task) => TERMINAL_STATES.has(task.state))) stop('finished');
    } catch (error) {
      stop('stopped', error);
    }
  });
}
