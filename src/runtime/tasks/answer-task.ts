import { DispatchError } from '../../core/errors.js';
import { shellQuote } from '../../core/text/shell-quote.js';
import { formatSeq, ipcFileName } from '../../core/ipc/ipc-protocol.js';
import { nextAttempt, preview } from '../../core/task/task-events.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { TERMINAL_STATES } from '../../core/status/state-groups.js';
import { writeFileExclusive } from '../fs/atomic-write.js';
import { lstatQuietly } from '../fs/no-follow.js';
import { readFileNoFollow } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { resumeTask } from './resume-task.js';
import { isAskWaiting } from '../ipc/ask-lease.js';

export interface AnswerRequest {
  id: string;
  /** The question's sequence number; the oldest unanswered one when absent. */
  seq?: number;
  text: string;
  /** Who answered, for the history (user, mcp, dashboard…). */
  by?: string;
}

export interface AnswerResult {
  seq: number | undefined;
  /** A new worker was started because the one that asked had given up waiting. */
  resumed: boolean;
  /**
   * A `dispatch ask` was waiting for this question (its lease was fresh), so the worker reads the
   * answer now. False with `resumed` false: the worker runs but no `dispatch ask` waits; it gets
   * the answer when it checks the files or asks again, or is resumed with it once it stops.
   */
  workerWaiting: boolean;
  status: TaskStatus;
}

/**
 * Answers a worker's question. The answer file is created atomically and only once, so a second
 * answer to the same question is refused rather than silently replacing the first. When the
 * worker has already given up (the contract's fallback), a new worker continues with the answer.
 */
export function answerTask(store: TaskStore, request: AnswerRequest): AnswerResult {
  const files = store.requireOwn(request.id, 'answer');
  const text = request.text;
  if (!text.trim())
    throw new DispatchError('usage', 'the answer is empty', {
      hint: `Give the text after the id, or run this on a terminal to be asked for it: dispatch answer ${request.id}`,
    });
  // One read of the task: its state, its questions, and its attempts before the answer is
  // recorded (the supervisor may continue the task as soon as it is).
  const snapshot = store.snapshot(request.id);
  const status = deriveStatus(snapshot);
  const attempt = nextAttempt(snapshot.events);
  if (TERMINAL_STATES.has(status.state)) {
    throw new DispatchError(
      'state',
      `task ${request.id} is ${status.state}; it has no question to answer`,
      {
        hint:
          status.state === 'done'
            ? 'Nothing to do.'
            : `Start it again with \`dispatch retry ${request.id}\`.`,
      },
    );
  }
  let seq = request.seq;
  if (seq !== undefined) {
    const question = files.ipcFile(ipcFileName(seq, 'question'));
    if (!lstatQuietly(question)) {
      const pending = snapshot.ipc.unanswered.map(formatSeq);
      throw new DispatchError('not-found', `task ${request.id} has no question ${formatSeq(seq)}`, {
        hint:
          pending.length > 0
            ? `Unanswered: ${pending.join(', ')}.`
            : 'It has no unanswered question.',
      });
    }
  } else {
    seq = snapshot.ipc.unanswered[0];
  }
  const by = request.by ?? 'user';
  if (seq !== undefined) {
    // Read before the answer is written: a waiting `dispatch ask` takes the answer and drops its
    // lease at once.
    const workerWaiting = isAskWaiting(files.taskDir, seq);
    const answerFile = files.ipcFile(ipcFileName(seq, 'answer'));
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (!writeFileExclusive(answerFile, body, { mode: 0o600 })) {
      const previous = readFileNoFollow(answerFile);
      throw new DispatchError(
        'conflict',
        `question ${formatSeq(seq)} of ${request.id} is already answered: "${preview(previous, 80)}"`,
        {
          hint: `Answers are final once written; to add yours as context: dispatch note ${request.id} ${shellQuote(text.trim())}`,
        },
      );
    }
    store.appendEvent(request.id, { type: 'answered', seq, by, preview: preview(text) });
    if (status.question?.live !== false && status.state === 'waiting')
      return {
        seq,
        resumed: false,
        workerWaiting,
        status: store.status(request.id),
      };
  } else if (status.state !== 'blocked') {
    throw new DispatchError(
      'state',
      `task ${request.id} has no pending question (it is ${status.state})`,
      {
        hint: `See what it is doing: dispatch status ${request.id}`,
      },
    );
  } else {
    store.appendEvent(request.id, { type: 'answered', seq: null, by, preview: preview(text) });
  }
  // The worker that asked is gone: a new one continues with the plan, its context and this answer.
  const question = status.question?.text ?? '';
  resumeTask(store, request.id, { reason: 'answer', attempt, answer: { question, text } });
  return { seq, resumed: true, workerWaiting: false, status: store.status(request.id) };
}
