import { TaskStore } from '../runtime/store/task-store.js';
import { TaskRelay } from '../runtime/nodes/task-relay.js';

/**
 * Entry of a task's relay process: `node relay.js ROOT ID ATTEMPT`, the queue's URL (with
 * any password) in DISPATCH_QUEUE_URL so it is in no argv. See task-relay.ts.
 */
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
  const relay = new TaskRelay({
    store,
    meta,
    attempt: Number(attemptText),
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`relay: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
