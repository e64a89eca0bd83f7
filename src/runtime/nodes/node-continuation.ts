import { ipcFileName, parseIpcFileName } from '../../core/ipc/ipc-protocol.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import type { TaskFiles } from '../paths.js';
import { listRealDir, readFileNoFollow } from '../store/read-text.js';

/**
 * What an attempt carries on from a node that was lost while its task waited for the user
 * (docs/nodes.md): the question with the user's answer, the context the worker wrote as it fell
 * back, and the commit its node pushed then, which holds the work so far.
 */
export interface NodeContinuation {
  answer: { question: string; text: string };
  context?: string;
  fromCommit?: string;
}

/**
 * The continuation of `attempt`, when it was started by the user's answer after the node of an
 * earlier attempt was lost; undefined for any other attempt (a retry starts from the dispatched
 * commit, as the task did).
 */
export function continuationOf(
  files: TaskFiles,
  events: readonly TaskEvent[],
  attempt: number,
): NodeContinuation | undefined {
  const resumed = events.find(
    (e) => e.type === 'resumed' && e.attempt === attempt && e.reason === 'answer',
  );
  if (!resumed) return undefined;
  let lostAttempt: number | undefined;
  for (const event of events)
    if (event.type === 'node-lost' && event.attempt < attempt) lostAttempt = event.attempt;
  if (lostAttempt === undefined) return undefined;
  const answer = lastAnswer(files);
  if (!answer) return undefined;
  let fromCommit: string | undefined;
  for (const event of events)
    if (event.type === 'node-pushed' && event.partial && event.attempt === lostAttempt)
      fromCommit = event.commit;
  const context = readQuietly(files.context);
  return {
    answer,
    ...(context !== undefined ? { context } : {}),
    ...(fromCommit !== undefined ? { fromCommit } : {}),
  };
}

/** The latest question of the task that has an answer, with that answer. */
function lastAnswer(files: TaskFiles): NodeContinuation['answer'] | undefined {
  const answered = listRealDir(files.ipc)
    .map(parseIpcFileName)
    .flatMap((parsed) => (parsed?.kind === 'answer' ? [parsed.seq] : []))
    .sort((a, b) => b - a);
  for (const seq of answered) {
    const question = readQuietly(files.ipcFile(ipcFileName(seq, 'question')));
    const text = readQuietly(files.ipcFile(ipcFileName(seq, 'answer')));
    if (question !== undefined && text !== undefined) return { question, text };
  }
  return undefined;
}

function readQuietly(path: string): string | undefined {
  try {
    // Never through a link: it goes into a worker's prompt on the node.
    return readFileNoFollow(path);
  } catch {
    return undefined;
  }
}
