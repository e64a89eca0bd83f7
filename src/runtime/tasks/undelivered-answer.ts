import { ipcFileName, type IpcState } from '../../core/ipc/ipc-protocol.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import { currentAttemptEvents } from '../../core/task/current-attempt.js';
import type { TaskFiles } from '../paths.js';
import { readFileNoFollow } from '../store/read-text.js';

export interface UndeliveredAnswer {
  seq: number;
  question: string;
  text: string;
}

/**
 * The answer a worker of the current attempt never read: recorded (`answered`) since the attempt
 * began, and never acknowledged. Whoever starts the next attempt hands it over, so an answer that
 * races a retry reaches a worker whichever of the two starts it.
 */
export function undeliveredAnswer(
  files: TaskFiles,
  events: readonly TaskEvent[],
  ipc: IpcState,
): UndeliveredAnswer | undefined {
  const answeredNow = new Set(
    currentAttemptEvents(events).flatMap((e) =>
      e.type === 'answered' && e.seq !== null ? [e.seq] : [],
    ),
  );
  const seq = ipc.unacknowledged.filter((s) => answeredNow.has(s)).pop();
  if (seq === undefined) return undefined;
  try {
    return {
      seq,
      text: readFileNoFollow(files.ipcFile(ipcFileName(seq, 'answer'))).trim(),
      question: readFileNoFollow(files.ipcFile(ipcFileName(seq, 'question'))).trim(),
    };
  } catch {
    return undefined;
  }
}
