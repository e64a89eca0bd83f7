import { readVerifyFeedback } from '../verify/read-feedback.js';
import { removeCompletionMarker } from './continue-task.js';
import { DispatchError } from '../../core/errors.js';
import type { Config } from '../../core/config/config-types.js';
import { resolveModel } from '../../core/config/resolve-model.js';
import { deriveStatus } from '../../core/status/derive-status.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { nextAttempt } from '../../core/task/task-events.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { signTask } from '../trust/task-trust.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { isTaskWorker, latestWorkerClaim } from '../process/worker-identity.js';
import type { TaskStore } from '../store/task-store.js';
import { resumeTask } from './resume-task.js';
import { displayArgv, modelFields } from './model-fields.js';
import { isRetryable } from '../../core/status/state-groups.js';

export interface RetryResult {
  attempt: number;
  model: string;
  status: TaskStatus;
}

/**
 * Starts a task again where it stopped: a new worker gets the plan as it stands (done items stay
 * done) and the earlier context. With another model, task.json is rewritten to the new model and
 * backend; the history of attempts stays in events.jsonl.
 */
export async function retryTask(
  store: TaskStore,
  config: Config,
  id: string,
  options: { model?: string } = {},
): Promise<RetryResult> {
  const files = store.requireOwn(id, 'retry');
  const snapshot = store.snapshot(id);
  const status = deriveStatus(snapshot);
  if (!isRetryable(status.state)) {
    throw new DispatchError(
      'state',
      `task ${id} is ${status.state}; only a failed, timed-out, cancelled, blocked or not-started task can be retried`,
      {
        hint:
          status.state === 'done' ? 'It is finished.' : `Cancel it first: dispatch cancel ${id}`,
      },
    );
  }
  let meta = store.meta(id);
  if (!meta)
    throw new DispatchError('state', `task ${id} has no task.json`, {
      hint: `Dispatch it again: dispatch run --plan-file ${files.plan}`,
    });
  const worker = latestWorkerClaim(id, snapshot.events);
  if (status.state === 'timed-out' && worker && worker.pid === status.pid && isTaskWorker(worker))
    await stopProcessGroup(worker.pid);
  if (options.model) {
    const choice = resolveModel(config, { explicit: options.model });
    const { alias: _alias, aliasPrompt: _aliasPrompt, isolate: _isolate, ...kept } = meta;
    const fields = modelFields(choice);
    const updated: TaskMeta = signTask(
      { ...kept, ...fields, argv: displayArgv(fields, '<prompt.md>') },
      store.env,
    );
    writeFileAtomic(files.meta, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
    meta = updated;
  }
  // A worker that finished but failed its check works again: done only when it says so again.
  const feedback =
    status.state === 'verify-failed' && status.verify
      ? readVerifyFeedback(files, status.verify, 1)
      : undefined;
  if (feedback) removeCompletionMarker(files.ipcFile('.done'));
  const { attempt, started } = resumeTask(store, id, {
    reason: 'retry',
    attempt: nextAttempt(snapshot.events),
    previousFailure: status.reason,
    meta,
    ...(feedback ? { verifyFeedback: { ...feedback, rounds: feedback.rounds } } : {}),
  });
  if (!started)
    throw new DispatchError('conflict', `task ${id} was just started again (attempt ${attempt})`, {
      hint: `Follow it with: dispatch wait ${id}`,
    });
  return { attempt, model: meta.model, status: store.status(id) };
}
