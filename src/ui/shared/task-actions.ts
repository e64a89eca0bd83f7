import type { Config } from '../../core/config/config-types.js';
import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { ensureSupervisor } from '../../runtime/supervisor/ensure-supervisor.js';
import type { TaskStore } from '../../runtime/store/task-store.js';
import { answerTask, type AnswerResult } from '../../runtime/tasks/answer-task.js';
import { cancelTask, type CancelResult } from '../../runtime/tasks/cancel-task.js';
import { noteTask } from '../../runtime/tasks/note-task.js';
import { retryTask, type RetryResult } from '../../runtime/tasks/retry-task.js';

/** What the live views need to act on tasks: the same runtime operations as the CLI commands. */
export interface ActionContext {
  store: TaskStore;
  /** Read when needed, so a config edited while a view runs is used by its next retry. */
  loadConfig: () => Config;
  /** Who acts, for the task history (watch, dashboard). */
  by: string;
}

/** Answers like `dispatch answer`; a worker that had given up is replaced, so a supervisor must run. */
export function answer(
  ctx: ActionContext,
  id: string,
  text: string,
  seq: number | undefined,
): AnswerResult {
  const result = answerTask(ctx.store, { id, seq, text, by: ctx.by });
  if (result.resumed) ensureSupervisor(ctx.store);
  return result;
}

export function note(ctx: ActionContext, id: string, text: string): void {
  noteTask(ctx.store, id, text);
}

export function cancel(ctx: ActionContext, id: string, reason?: string): Promise<CancelResult> {
  return cancelTask(ctx.store, id, { by: ctx.by, reason: reason ?? `cancelled from ${ctx.by}` });
}

export async function retry(ctx: ActionContext, id: string, model?: string): Promise<RetryResult> {
  const result = await retryTask(ctx.store, ctx.loadConfig(), id, model ? { model } : {});
  ensureSupervisor(ctx.store);
  return result;
}

/** "Answered question 001 of x; …", as `dispatch answer` says it. */
export function answeredMessage(id: string, result: AnswerResult): string {
  const which =
    result.seq !== undefined ? `question ${formatSeq(result.seq)}` : 'the blocked question';
  return result.resumed
    ? `Answered ${which} of ${id}; the earlier worker had stopped, so a new one continues with your answer.`
    : `Answered ${which} of ${id}; the worker continues.`;
}
