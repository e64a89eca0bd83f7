import { existsSync, mkdirSync, readFileSync, readdirSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { COMPLETION_MARKER, ipcFileName, readIpcState } from '../core/ipc/ipc-protocol.js';
import { writeFileAtomic, writeFileExclusive } from '../runtime/fs/atomic-write.js';

/**
 * The worker's side of the IPC folder, exactly as the prompt describes it: NNN.question, wait
 * for NNN.answer, acknowledge with NNN.done, and .done when all work is finished.
 */

/** Poll as well as watch: fs.watch can miss events on some file systems (network, overlay). */
const POLL_MS = 250;
/** Longer timers overflow and fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function nextSeq(ipcDir: string): number {
  return readIpcState(readdirSync(ipcDir)).nextSeq;
}

/**
 * Writes the question under the next free number. The exclusive create means two askers in one
 * folder never share a number: the loser takes the next one.
 */
export function postQuestion(ipcDir: string, question: string): number {
  mkdirSync(ipcDir, { recursive: true });
  let seq = nextSeq(ipcDir);
  while (!writeFileExclusive(join(ipcDir, ipcFileName(seq, 'question')), `${question}\n`)) {
    seq = Math.max(seq + 1, nextSeq(ipcDir));
  }
  return seq;
}

/** Resolves with the answer text, or undefined when none came within `timeoutMs`. */
export function waitForAnswer(
  ipcDir: string,
  seq: number,
  timeoutMs: number,
): Promise<string | undefined> {
  const answerPath = join(ipcDir, ipcFileName(seq, 'answer'));
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    let settled = false;
    const finish = (answer: string | undefined): void => {
      if (settled) return;
      settled = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(answer);
    };
    const check = (): void => {
      // The dispatcher renames the answer into place, so once it exists it is complete.
      if (existsSync(answerPath)) finish(readFileSync(answerPath, 'utf8').trim());
    };
    const poll = setInterval(check, POLL_MS);
    const timer = setTimeout(() => finish(undefined), Math.min(timeoutMs, MAX_TIMER_MS));
    try {
      watcher = watch(ipcDir, check);
      watcher.on('error', () => watcher?.close());
    } catch {
      // Watching is an optimisation; the poll still finds the answer.
    }
    check();
  });
}

export function acknowledge(ipcDir: string, seq: number): void {
  writeFileAtomic(join(ipcDir, ipcFileName(seq, 'done')), '');
}

export function markComplete(ipcDir: string): void {
  mkdirSync(ipcDir, { recursive: true });
  writeFileAtomic(join(ipcDir, COMPLETION_MARKER), '');
}
