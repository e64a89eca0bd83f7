import { watch } from 'node:fs';
import * as z from 'zod/mini';
import { TERMINAL_STATES } from '../core/status/state-groups.js';
import { logTail, readLogFrom as readFrom } from '../runtime/tasks/read-log.js';
import { waitUntil } from '../runtime/watch/wait-until.js';
import { defineOperation } from './define-operation.js';
import type { OperationContext } from './operation-context.js';
import { taskId } from './task-fields.js';

export const MAX_LOG_LINES = 2000;
const LINES_MESSAGE = `lines must be a whole number from 1 to ${MAX_LOG_LINES}`;

export const logsInput = z.object({
  id: taskId,
  lines: z.optional(
    z
      .number()
      .check(
        z.int(LINES_MESSAGE),
        z.minimum(1, LINES_MESSAGE),
        z.maximum(MAX_LOG_LINES, LINES_MESSAGE),
        z.describe('How many last lines (default 50)'),
      ),
  ),
});

export const logsResult = z.object({
  id: z.string(),
  logFile: z.string(),
  /** The last non-empty lines of the worker's output (at most the last 64 KiB are read). */
  lines: z.array(z.string()),
});

export type LogsResult = z.output<typeof logsResult>;

/** The last `lines` (default 50, at most 2000) non-empty lines of the worker's output. */
export const logsOperation = defineOperation({
  name: 'logs',
  input: logsInput,
  result: logsResult,
  run: (ctx, { id, lines }): LogsResult => {
    const files = ctx.store.require(id);
    return { id, logFile: files.log, lines: logTail(files.log, lines ?? 50) };
  },
});

/**
 * The worker's whole output so far (`dispatch logs`), and with `follow` every later write until
 * the task ends, each piece handed to `write` as it comes. `ref` is resolved as `perform`
 * resolves task fields (a unique start of an id).
 */
export async function streamLog(
  ctx: OperationContext,
  ref: string,
  write: (text: string) => void,
  options: { follow?: boolean; skipExisting?: boolean } = {},
): Promise<void> {
  const id = ctx.resolveTaskId(ref);
  const files = ctx.store.require(id);
  const first = readFrom(files.log, 0);
  if (!options.skipExisting) write(first.text);
  let offset = first.end;
  if (!options.follow) return;
  await waitUntil(
    () => {
      const next = readFrom(files.log, offset);
      write(next.text);
      offset = next.end;
      return TERMINAL_STATES.has(ctx.store.status(id).state) ? true : undefined;
    },
    {
      // A worker killed without a last write leaves no file event: look now and then.
      pollMs: 1000,
      wake: (wake) => {
        const watcher = watch(files.taskDir, wake);
        return () => watcher.close();
      },
    },
  );
}
