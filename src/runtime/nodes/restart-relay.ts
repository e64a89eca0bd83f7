import { join } from 'node:path';
import type { TaskSnapshot, TaskStatus } from '../../core/status/task-status.js';
import { isLive } from '../../core/status/state-groups.js';
import { currentAttemptEvents, latestWorker } from '../../core/task/current-attempt.js';
import { relayRestartDue } from '../../core/task/relay-restarts.js';
import { tryLock } from '../lock/file-lock.js';
import type { TaskStore } from '../store/task-store.js';
import { launchRelay } from './launch-relay.js';

/**
 * Starts a node task's relay again when it is gone without the node's exit: the machine where
 * the user works slept, rebooted or lost its network, or the relay was killed. The node and its
 * worker go on meanwhile, and what they send waits in the attempt's streams; the new relay reads
 * on from where the last one stopped (its cursor is in the task folder), so a question asked
 * while nobody listened appears now and its answer reaches the worker that asked. Called by the
 * supervisor; returns true if it started a relay.
 */
export function restartRelay(
  store: TaskStore,
  snapshot: TaskSnapshot,
  status: TaskStatus,
): boolean {
  const meta = snapshot.meta;
  if (!meta?.queue || snapshot.liveness !== 'dead' || !isLive(status.state)) return false;
  const current = currentAttemptEvents(snapshot.events);
  const worker = latestWorker(current);
  if (!worker || worker.exited) return false;
  const attempt = worker.spawned.attempt;
  if (!relayRestartDue(meta, current, attempt)) return false;
  const restarts = current.filter(
    (event) => event.type === 'relay-restarted' && event.attempt === attempt,
  ).length;
  // One claim per restart: of two processes deciding on the same restart, one starts it. The
  // claim stays, so it is never made twice.
  const files = store.files(meta.id);
  if (!tryLock(join(files.taskDir, `.attempt-${attempt}.relay-${restarts + 1}.claim`)))
    return false;
  store.appendEvent(meta.id, {
    type: 'relay-restarted',
    attempt,
    previousPid: worker.spawned.pid,
  });
  launchRelay(store, meta, attempt, { restarted: true });
  return true;
}
