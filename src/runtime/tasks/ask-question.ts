import { join } from 'node:path';
import {
  DEFAULT_ASK_SLICE_SECONDS,
  formatWait,
  nextAskSlice,
  questionToReattach,
  type AskedQuestion,
} from '../../core/ipc/ask-wait.js';
import { DEFAULT_FALLBACK_MINUTES } from '../../core/config/config-types.js';
import { DispatchError } from '../../core/errors.js';
import { formatSeq, ipcFileName, readIpcState } from '../../core/ipc/ipc-protocol.js';
import { acknowledge, postQuestion, waitForAnswer } from '../ipc/worker-ipc-client.js';
import { holdAskLease, waitStartMs } from '../ipc/ask-lease.js';
import { refuseSymlink } from '../fs/no-follow.js';
import {
  MAX_QUESTION_BYTES,
  listRealDir,
  readFileNoFollow,
  readTextFile,
} from '../store/read-text.js';

export interface AskOptions {
  taskDir: string;
  question: string;
  /** Re-attach to this question rather than matching by text. */
  seq?: number;
  /** The longest one call waits; default: the task's `ask_slice_seconds`. */
  sliceMs?: number;
  /** The whole wait from this attempt's first ask; default: the task's fallback time. */
  totalMs?: number;
  /** The worker's attempt (DISPATCH_ATTEMPT): each attempt waits the whole time again. */
  attempt?: string;
}

export interface AskOutcome {
  seq: number;
  /** Undefined: the slice ended without one; asking again keeps waiting for the same question. */
  answer: string | undefined;
  /** Since this attempt first asked it, and the whole wait before the fallback. */
  waitedMs: number;
  totalMs: number;
}

/** The wait settings recorded in the task's task.json when it was dispatched. */
function taskAskSettings(taskDir: string): { sliceMs: number; totalMs: number } {
  let meta: { fallbackMinutes?: unknown; askSliceSeconds?: unknown } = {};
  try {
    meta = JSON.parse(readFileNoFollow(join(taskDir, 'task.json'))) as typeof meta;
  } catch {
    // A hand-made task folder, or one of the original dispatcher: the defaults apply.
  }
  const positive = (value: unknown): number | undefined =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  return {
    sliceMs: (positive(meta?.askSliceSeconds) ?? DEFAULT_ASK_SLICE_SECONDS) * 1000,
    totalMs: (positive(meta?.fallbackMinutes) ?? DEFAULT_FALLBACK_MINUTES) * 60_000,
  };
}

/** The questions of the IPC folder with their texts, for re-attaching. */
function askedQuestions(ipc: string): AskedQuestion[] {
  return readIpcState(listRealDir(ipc))
    .exchanges.filter((exchange) => exchange.hasQuestion)
    .map((exchange) => {
      const read = readTextFile(
        join(ipc, ipcFileName(exchange.seq, 'question')),
        MAX_QUESTION_BYTES,
        {
          truncate: true,
        },
      );
      return { ...exchange, text: read.ok ? read.text : '' };
    });
}

/** The question this ask waits for: the one named, the same pending one, or a new one. */
function claimQuestion(ipc: string, question: string, seq: number | undefined): AskedQuestion {
  const questions = askedQuestions(ipc);
  if (seq !== undefined) {
    const named = questions.find((candidate) => candidate.seq === seq);
    if (named) return named;
    const pending = questions.filter((q) => !q.hasAnswer).map((q) => formatSeq(q.seq));
    throw new DispatchError('not-found', `there is no question ${formatSeq(seq)} in ${ipc}`, {
      hint:
        pending.length > 0
          ? `Unanswered: ${pending.join(', ')}. Ask again with one of those numbers, or without --seq.`
          : 'Ask without --seq to write a new question.',
    });
  }
  const pending = questionToReattach(questions, question);
  if (pending) return pending;
  return { seq: postQuestion(ipc, question), text: question, hasAnswer: false, hasAck: false };
}

/**
 * `dispatch ask`: the worker's side of the IPC exchange, done exactly. Writes NNN.question with an
 * exclusive atomic write (or re-attaches to the same pending question), waits for NNN.answer for
 * at most one slice while keeping its lease fresh, acknowledges with NNN.done and returns the
 * answer. A slice that ends early is `pending`; once the task's fallback time has passed since
 * this worker first asked it, it is a timeout, and the question stays for the dispatcher.
 */
export async function askQuestion(options: AskOptions): Promise<AskOutcome> {
  refuseSymlink(options.taskDir);
  const ipc = join(options.taskDir, 'ipc');
  const settings = taskAskSettings(options.taskDir);
  const sliceMs = options.sliceMs ?? settings.sliceMs;
  const totalMs = options.totalMs ?? settings.totalMs;
  const { seq } = claimQuestion(ipc, options.question, options.seq);
  const askedAt = waitStartMs(options.taskDir, seq, options.attempt ?? '');
  const slice = nextAskSlice({ askedAtMs: askedAt, nowMs: Date.now(), totalMs, sliceMs });
  let answer: string | undefined;
  let release: ((keep?: boolean) => void) | undefined;
  if (slice.kind === 'expired') {
    answer = await waitForAnswer(ipc, seq, 0);
  } else {
    release = holdAskLease(options.taskDir, seq);
    try {
      answer = await waitForAnswer(ipc, seq, slice.waitMs);
    } catch (error) {
      release();
      throw error;
    }
  }
  const waitedMs = Math.max(0, Date.now() - askedAt);
  if (answer !== undefined) {
    release?.();
    acknowledge(ipc, seq);
    return { seq, answer, waitedMs, totalMs };
  }
  if (slice.kind === 'wait' && !slice.last) {
    // The worker asks again at once: the lease stays until then (or goes stale).
    release?.(true);
    return { seq, answer: undefined, waitedMs, totalMs };
  }
  release?.();
  throw new DispatchError(
    'timeout',
    `no answer to question ${formatSeq(seq)} within ${formatWait(totalMs)}`,
    {
      hint: 'The question stays in the IPC folder. Follow the fallback: write context.md, mark the item [?] with the question, and exit.',
    },
  );
}
