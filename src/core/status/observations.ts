import { currentAttemptEvents } from '../task/current-attempt.js';
import type { TaskEvent } from '../task/task-events.js';
import type { IpcState } from '../ipc/ipc-protocol.js';
import type { TaskStatus } from './task-status.js';
import { boundText } from '../task/bound-text.js';

/** An event the history lacks, without its time (the store adds it). */
export type Observation =
  | { type: 'question'; seq: number }
  | { type: 'acknowledged'; seq: number }
  | { type: 'completed' }
  | { type: 'failed'; reason: string };

/**
 * What the files show that events.jsonl does not record yet: questions asked, answers
 * acknowledged, and the task's end. Recording each exactly once makes the history complete and
 * lets notifications fire once, even for things that happened while no supervisor was running.
 */
export function missingObservations(
  events: readonly TaskEvent[],
  ipc: IpcState,
  status: TaskStatus,
): Observation[] {
  const found: Observation[] = [];
  const has = (type: string, seq?: number) =>
    events.some((e) => e.type === type && (seq === undefined || ('seq' in e && e.seq === seq)));
  for (const exchange of ipc.exchanges) {
    if (exchange.hasQuestion && !has('question', exchange.seq))
      found.push({ type: 'question', seq: exchange.seq });
    if (exchange.hasAck && !has('acknowledged', exchange.seq))
      found.push({ type: 'acknowledged', seq: exchange.seq });
  }
  const current = currentAttemptEvents(events);
  if (status.state === 'done' && !current.some((e) => e.type === 'completed'))
    found.push({ type: 'completed' });
  const failed = status.state === 'failed' || status.state === 'verify-failed';
  if (failed && !current.some((e) => e.type === 'failed')) {
    // The reason may quote a worker's error line of any length.
    found.push({ type: 'failed', reason: boundText(status.reason ?? 'failed') });
  }
  return found;
}
