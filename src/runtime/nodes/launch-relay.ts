import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { loadConfig } from '../config-file.js';
import { RELAY_ENTRY } from '../package-paths.js';
import { SMALL_YOUNG_GENERATION } from '../process/young-generation.js';
import { recordSpawned } from '../spawn/record-spawned.js';
import type { TaskStore } from '../store/task-store.js';
import { redactQueueUrl } from './queue-url.js';

/** `queue:` in the config, or undefined when the config cannot be read now. */
function configuredQueue(env: NodeJS.ProcessEnv): string | undefined {
  try {
    return loadConfig(env).queue;
  } catch {
    return undefined;
  }
}

/**
 * The queue URL to connect with: DISPATCH_QUEUE or the config's `queue:` when it names the queue
 * the task went to (it may carry the password task.json leaves out), else task.json's own.
 */
export function queueUrlFor(meta: TaskMeta, env: NodeJS.ProcessEnv): string {
  const recorded = meta.queue?.url ?? '';
  for (const given of [env.DISPATCH_QUEUE, configuredQueue(env)])
    if (given && redactQueueUrl(given) === recorded) return given;
  return recorded;
}

/**
 * Starts the relay of one attempt of a task dispatched to a queue, in place of a local worker:
 * detached in its own process group, its output in worker.log, its pid in the `spawned` event.
 * The caller holds the attempt's claim (launch-worker.ts), or the restart's (restart-relay.ts).
 */
export function launchRelay(
  store: TaskStore,
  meta: TaskMeta,
  attempt: number,
  options: { restarted?: boolean } = {},
) {
  const files = store.files(meta.id);
  const log = openSync(files.log, 'a', 0o600);
  writeSync(
    log,
    options.restarted
      ? `--- agent-dispatch: the relay of attempt ${attempt} was gone; started again, ${new Date().toISOString()} ---\n`
      : `--- agent-dispatch: attempt ${attempt}, ${meta.model} on a worker node via ${meta.queue?.url ?? '?'}, ${new Date().toISOString()} ---\n`,
  );
  let child;
  try {
    child = spawn(
      process.execPath,
      [SMALL_YOUNG_GENERATION, RELAY_ENTRY, store.root, meta.id, String(attempt)],
      {
        cwd: store.paths.project,
        detached: true,
        stdio: ['ignore', log, log],
        // The marks every worker carries, so the relay is known as the attempt's process
        // (attempt-process.ts) and as the task's worker that cancel may signal (worker-identity.ts).
        env: {
          ...store.env,
          DISPATCH_QUEUE_URL: queueUrlFor(meta, store.env),
          DISPATCH_TASK_ID: meta.id,
          DISPATCH_TASK_DIR: files.taskDir,
          DISPATCH_ATTEMPT: String(attempt),
        },
      },
    );
  } finally {
    closeSync(log);
  }
  child.on('error', () => undefined);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    store.appendEvent(meta.id, { type: 'spawn-failed', attempt, error: 'cannot start the relay' });
    throw new DispatchError('backend', `cannot start the relay of ${meta.id}`);
  }
  return recordSpawned(store, meta, files, attempt, pid);
}
