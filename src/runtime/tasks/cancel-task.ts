import { existsSync } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { appendToExistingFile } from '../fs/append-text.js';
import { cancelOnNode } from '../nodes/cancel-on-node.js';
import { TERMINAL_STATES, mayHaveWorker } from '../../core/status/state-groups.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { boundText } from '../../core/task/bound-text.js';
import { stopProcessGroup } from '../process/stop-process-group.js';
import { isTaskWorker, latestWorkerClaim } from '../process/worker-identity.js';
import type { TaskStore } from '../store/task-store.js';
import { stopLeftovers } from './stop-leftovers.js';

export interface CancelResult {
  status: TaskStatus;
  /** The worker ignored SIGTERM and had to be killed. */
  killed: boolean;
  /** Processes of the task found outside the worker's process group and stopped. */
  leftovers: number;
  /**
   * A node task whose relay was not running: what became of the cancel sent to the node from
   * here (the relay passes it on when it runs).
   */
  node?: string;
}

/**
 * Cancels a task: records who and why first (so the worker's exit is not taken for a failure),
 * then stops the worker's whole process group, SIGTERM then SIGKILL, and then every other
 * process of the task, wherever it moved (stop-leftovers.ts). The task folder is kept.
 */
export async function cancelTask(
  store: TaskStore,
  id: string,
  options: { by?: string; reason?: string } = {},
): Promise<CancelResult> {
  store.requireOwn(id, 'signal or cancel');
  const status = store.status(id);
  if (TERMINAL_STATES.has(status.state)) {
    throw new DispatchError('state', `task ${id} is already ${status.state}`, {
      hint: 'Nothing to cancel.',
    });
  }
  store.appendEvent(id, {
    type: 'cancelled',
    by: boundText(options.by ?? 'user', 200),
    reason: boundText(options.reason ?? 'no reason given'),
  });
  let killed = false;
  let signalled = false;
  const worker = latestWorkerClaim(id, store.snapshot(id).events);
  if (
    status.pid !== undefined &&
    worker?.pid === status.pid &&
    mayHaveWorker(status.state) &&
    isTaskWorker(worker)
  ) {
    signalled = true;
    killed = (await stopProcessGroup(status.pid)).escalated;
  }
  const meta = store.meta(id);
  const node =
    meta?.queue && !signalled && status.pid !== undefined && status.exit === undefined
      ? await cancelWithoutRelay(store, meta, status.attempt)
      : undefined;
  // Also when the worker itself is gone: what it left behind (a tool command in a group of its
  // own, a daemon) belongs to the task being cancelled.
  const leftovers = await stopLeftovers(store, id, { after: 'cancel' });
  return { status: store.status(id), killed, leftovers, ...(node ? { node } : {}) };
}

/** A node task's cancel sent to its node from here, its relay being gone; said in worker.log. */
async function cancelWithoutRelay(
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
): Promise<string> {
  let said: string;
  try {
    await cancelOnNode(meta, attempt, store.env);
    said = 'its relay was not running: the cancel was sent to the worker node from here';
  } catch (error) {
    said = `its relay was not running, and the cancel could not reach the worker node: ${(error as Error).message}`;
  }
  const log = store.files(meta.id).log;
  if (existsSync(log)) appendToExistingFile(log, `--- agent-dispatch: ${said} ---\n`);
  return said;
}
