import { preview } from '../core/task/task-events.js';
import { TaskStore } from '../runtime/store/task-store.js';
import { TaskRelay } from '../runtime/nodes/task-relay.js';

/**
 * Entry of a task's relay process: `node relay.js ROOT ID ATTEMPT`, the queue's URL (with
 * any password) in DISPATCH_QUEUE_URL so it is in no argv. See task-relay.ts. Its stdout and
 * stderr are the task's worker.log (launch-relay.ts).
 */

/** Set once the task is known: where a failure of the relay itself is recorded. */
let record: ((error: unknown) => void) | undefined;

/**
 * A relay that fails in itself (an error it did not expect, a folder it cannot write) says so
 * where the user looks: a marked line in worker.log, and a `relay-failed` event that the task's
 * status and its failure name. The supervisor then starts the relay again (restart-relay.ts).
 */
function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `--- agent-dispatch: the relay failed: ${preview(message, 500)} ---\nrelay: ${(error as Error)?.stack ?? String(error)}\n`,
  );
  try {
    record?.(error);
  } catch {
    // The history cannot be written either: the log line above is what is left.
  }
  process.exit(1);
}

async function main(): Promise<number> {
  const [root, id, attemptText] = process.argv.slice(2);
  const url = process.env.DISPATCH_QUEUE_URL;
  if (!root || !id || !attemptText || !url) {
    process.stderr.write('usage: relay-main ROOT ID ATTEMPT (DISPATCH_QUEUE_URL set)\n');
    return 2;
  }
  const store = new TaskStore(root, process.env);
  const meta = store.meta(id);
  if (!meta) {
    process.stderr.write(`relay: no task.json for ${id}\n`);
    return 2;
  }
  const attempt = Number(attemptText);
  record = (error) =>
    store.appendEvent(id, {
      type: 'relay-failed',
      attempt,
      error: preview(error instanceof Error ? error.message : String(error), 500),
    });
  const relay = new TaskRelay({
    store,
    meta,
    attempt,
    queueUrl: url,
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  let stopping: Promise<void> | undefined;
  process.on('SIGTERM', () => {
    stopping ??= relay.cancel();
  });
  try {
    const code = await relay.run();
    await stopping;
    return code;
  } finally {
    await relay.close();
  }
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main().then((code) => process.exit(code), fail);
