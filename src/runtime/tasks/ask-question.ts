import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { acknowledge, postQuestion, waitForAnswer } from '../ipc/worker-ipc-client.js';
import { refuseSymlink } from '../fs/no-follow.js';

export interface AskOptions {
  taskDir: string;
  question: string;
  timeoutMs: number;
}

export interface AskResult {
  seq: number;
  answer: string;
}

/**
 * `dispatch ask`: the worker's side of the IPC exchange, done exactly. Claims the next sequence
 * number with an exclusive atomic write of NNN.question, waits for NNN.answer, acknowledges with
 * NNN.done and returns the answer. On timeout the question stays for the dispatcher and nothing
 * else is changed.
 */
export async function askQuestion(options: AskOptions): Promise<AskResult> {
  refuseSymlink(options.taskDir);
  const ipc = join(options.taskDir, 'ipc');
  const seq = postQuestion(ipc, options.question);
  const answer = await waitForAnswer(ipc, seq, options.timeoutMs);
  if (answer === undefined) {
    throw new DispatchError(
      'timeout',
      `no answer to question ${formatSeq(seq)} within ${Math.round(options.timeoutMs / 1000)} s`,
      {
        hint: 'The question stays in the IPC folder. Follow the fallback: write context.md, mark the item [?] with the question, and exit.',
      },
    );
  }
  acknowledge(ipc, seq);
  return { seq, answer };
}
