import { DispatchError } from '../core/errors.js';
import type { CliContext } from './cli-context.js';

/**
 * The task a command that defaults to the latest one acts on: the id or start of one given
 * (resolved by the operation), else the most recently created task, named on standard error so
 * the output is never mistaken for another task's.
 */
export function taskOrLatest(ctx: CliContext, ref: string | undefined): string {
  if (ref !== undefined) return ref;
  const latest = ctx.ops.latestTaskId();
  if (latest === undefined)
    throw new DispatchError('not-found', `no tasks in ${ctx.ops.tasksDir}`, {
      hint: 'Start one with: dispatch run "what to do"',
    });
  ctx.err(`dispatch: the latest task, ${latest}`);
  return latest;
}
