import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { liveWorkerText, type AnswerResult } from '../../operations/answer-operation.js';
import type { CancelResult } from '../../operations/cancel-operation.js';
import type { RetryResult } from '../../operations/retry-operation.js';
import type { MergeResult } from '../../operations/merge-operation.js';
import type { DiscardResult } from '../../operations/discard-operation.js';
import type { PickResult } from '../../operations/pick-operation.js';

/** What every interface says after an action, in the same words. */

/** "Answered question 001 of x; …", as `dispatch answer` says it. */
export function answeredMessage(result: AnswerResult): string {
  const which = result.seq !== null ? `question ${formatSeq(result.seq)}` : 'the blocked question';
  if (result.resumed)
    return `Answered ${which} of ${result.id}; the earlier worker had stopped, so a new one continues with your answer.`;
  return `Answered ${which} of ${result.id}; ${liveWorkerText(result)}`;
}

export function notedMessage(id: string): string {
  return `Added a note to ${id}'s plan.`;
}

/** "; stopped 3 more processes it had started", or nothing. */
export function leftoversText(leftovers: number): string {
  if (leftovers === 0) return '';
  return `; stopped ${leftovers} more process${leftovers === 1 ? '' : 'es'} it had started outside its process group`;
}

export function cancelledMessage(result: CancelResult): string {
  return `Cancelled ${result.id}${result.killed ? ' (the worker ignored SIGTERM and was killed)' : ''}${leftoversText(result.leftovers)}.`;
}

export function retryingMessage(result: RetryResult): string {
  return `Retrying ${result.id} (attempt ${result.attempt}) with ${result.model}.`;
}

/** What `dispatch merge` says, line by line. */
export function mergedLines(result: MergeResult): string[] {
  const lines: string[] = [];
  if (result.committed)
    lines.push(
      `Committed the changes the worker left uncommitted on ${result.branch} as ${result.committed.slice(0, 7)} (on your behalf).`,
    );
  lines.push(
    result.outcome === 'merged'
      ? `Merged ${result.branch} into ${result.into} in ${result.repo} (now ${result.head.slice(0, 7)}).`
      : `Nothing to merge: ${result.into} already contains ${result.branch}.`,
  );
  return lines;
}

/** What `dispatch discard` says; the task record stays in `taskDir`. */
export function discardedMessage(result: DiscardResult, taskDir: string): string {
  const lost =
    result.lost.uncommitted + result.lost.unmerged > 0
      ? ` (deleted ${result.lost.uncommitted} uncommitted change(s) and ${result.lost.unmerged} unmerged commit(s))`
      : '';
  const removed = result.path
    ? `Removed the worktree ${result.path} and branch ${result.branch}`
    : `Removed branch ${result.branch}`;
  return `${removed}${lost}.${remoteMessage(result)} The task record stays in ${taskDir}.`;
}

/** Where a node task's branch stands on the remote the node pushed it to. */
function remoteMessage(result: DiscardResult): string {
  const remote = result.remote;
  if (!remote) return '';
  if (remote.deleted) return ` Deleted it on ${remote.url} too.`;
  return ` It is still on ${remote.url} (${remote.error ?? 'git push failed'}); delete it there with: git push ${remote.url} --delete ${result.branch}`;
}

/** What `dispatch pick` says: the merge, then each other run discarded or kept. */
export function pickedLines(result: PickResult, taskDir: (id: string) => string): string[] {
  const lines = [`Picked ${result.picked} of ${result.group}.`, ...mergedLines(result.merge)];
  for (const discarded of result.discarded)
    lines.push(discardedMessage(discarded, taskDir(discarded.id)));
  for (const kept of result.kept) lines.push(`Kept ${kept.id}: ${kept.reason}`);
  return lines;
}
