import { mkdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { DispatchError } from '../../core/errors.js';
import { formatSeq, ipcFileName, readIpcState } from '../../core/ipc/ipc-protocol.js';
import { writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import { listRealDir, readTextFile, MAX_QUESTION_BYTES } from '../store/read-text.js';
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
 * The worker's side of the IPC exchange, done exactly: claims the next sequence number with an
 * exclusive atomic write of NNN.question, waits for NNN.answer (file events, with a slow poll as
 * a safety net), acknowledges with NNN.done and returns the answer. On timeout the question stays
 * for the dispatcher and nothing else is changed.
 */
export async function askQuestion(options: AskOptions): Promise<AskResult> {
  const ipc = join(options.taskDir, 'ipc');
  refuseSymlink(options.taskDir);
  refuseSymlink(ipc);
  mkdirSync(ipc, { recursive: true, mode: 0o700 });
  const body = options.question.endsWith('\n') ? options.question : `${options.question}\n`;
  let seq = readIpcState(listRealDir(ipc)).nextSeq;
  while (!writeFileExclusive(join(ipc, ipcFileName(seq, 'question')), body, { mode: 0o600 })) seq++;
  const answer = await waitForFile(ipc, ipcFileName(seq, 'answer'), options.timeoutMs);
  if (answer === undefined) {
    throw new DispatchError(
      'timeout',
      `no answer to question ${formatSeq(seq)} within ${Math.round(options.timeoutMs / 1000)} s`,
      {
        hint: 'The question stays in the IPC folder. Follow the fallback: write context.md, mark the item [?] with the question, and exit.',
      },
    );
  }
  writeFileAtomic(join(ipc, ipcFileName(seq, 'done')), '', { mode: 0o600 });
  return { seq, answer };
}

function readAnswer(path: string): string | undefined {
  const read = readTextFile(path, MAX_QUESTION_BYTES, { truncate: true });
  return read.ok ? read.text.replace(/\r?\n$/, '') : undefined;
}

function waitForFile(dir: string, name: string, timeoutMs: number): Promise<string | undefined> {
  const path = join(dir, name);
  return new Promise((resolve) => {
    let done = false;
    const check = () => {
      if (done) return;
      const text = readAnswer(path);
      if (text !== undefined) finish(text);
    };
    const watcher = watch(dir, (_event, changed) => {
      if (!changed || changed.toString() === name) check();
    });
    const poll = setInterval(check, 1000);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    function finish(value: string | undefined) {
      done = true;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(value);
    }
    check();
  });
}
