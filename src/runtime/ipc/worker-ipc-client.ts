import { mkdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { COMPLETION_MARKER, ipcFileName, readIpcState } from '../../core/ipc/ipc-protocol.js';
import { writeFileAtomic, writeFileExclusive } from '../fs/atomic-write.js';
import { refuseSymlink } from '../fs/no-follow.js';
import { MAX_QUESTION_BYTES, listRealDir, readTextFile } from '../store/read-text.js';
import { waitUntil } from '../watch/wait-until.js';

/**
 * The worker's side of the IPC folder, exactly as the worker prompt describes it: NNN.question,
 * wait for NNN.answer, acknowledge with NNN.done, and .done when all work is finished. Used by
 * `dispatch ask` and by the simulated worker alike.
 */

/** The IPC folder, private, and never through a link (a planted one would lead writes elsewhere). */
function ensureIpcDir(ipcDir: string): void {
  refuseSymlink(ipcDir);
  mkdirSync(ipcDir, { recursive: true, mode: 0o700 });
}

/** Poll as well as watch: fs.watch can miss events on some file systems (network, overlay). */
const POLL_MS = 250;

function nextSeq(ipcDir: string): number {
  return readIpcState(listRealDir(ipcDir)).nextSeq;
}

/**
 * Writes the question under the next free number. The exclusive create means two askers in one
 * folder never share a number: the loser takes the next one.
 */
export function postQuestion(ipcDir: string, question: string): number {
  ensureIpcDir(ipcDir);
  const body = question.endsWith('\n') ? question : `${question}\n`;
  let seq = nextSeq(ipcDir);
  while (!writeFileExclusive(join(ipcDir, ipcFileName(seq, 'question')), body, { mode: 0o600 }))
    seq = Math.max(seq + 1, nextSeq(ipcDir));
  return seq;
}

/** The answer's text without its final newline, once the dispatcher has renamed it into place. */
function readAnswer(path: string): string | undefined {
  const read = readTextFile(path, MAX_QUESTION_BYTES, { truncate: true });
  return read.ok ? read.text.replace(/\r?\n$/, '') : undefined;
}

/** Resolves with the answer text, or undefined when none came within `timeoutMs`. */
export async function waitForAnswer(
  ipcDir: string,
  seq: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const name = ipcFileName(seq, 'answer');
  const result = await waitUntil(() => readAnswer(join(ipcDir, name)), {
    timeoutMs,
    pollMs: POLL_MS,
    signal,
    wake: (wake) => {
      try {
        const watcher = watch(ipcDir, (_event, changed) => {
          if (!changed || changed.toString() === name) wake();
        });
        watcher.on('error', () => watcher.close());
        return () => watcher.close();
      } catch {
        // Watching is an optimisation; the poll still finds the answer.
        return () => undefined;
      }
    },
  });
  return result.kind === 'ready' ? result.value : undefined;
}

export function acknowledge(ipcDir: string, seq: number): void {
  refuseSymlink(ipcDir);
  writeFileAtomic(join(ipcDir, ipcFileName(seq, 'done')), '', { mode: 0o600 });
}

export function markComplete(ipcDir: string): void {
  ensureIpcDir(ipcDir);
  writeFileAtomic(join(ipcDir, COMPLETION_MARKER), '', { mode: 0o600 });
}
