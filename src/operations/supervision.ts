import { isActive } from '../core/status/state-groups.js';
import type { TaskStatus } from '../core/status/task-status.js';
import { ensureSupervisor } from '../runtime/supervisor/ensure-supervisor.js';
import type { OperationContext } from './operation-context.js';

/**
 * The supervisor policy, in one place. Operations that start or continue workers (run, answer,
 * retry) always make sure a supervisor runs; readers (status, list, wait, the live views) bring
 * one back when active tasks have none, so after a crash of the supervisor the next command
 * re-adopts the workers from the files.
 */
export function superviseAlways(ctx: OperationContext): void {
  ensureSupervisor(ctx.store);
}

export function superviseIfActive(ctx: OperationContext, statuses: readonly TaskStatus[]): void {
  if (statuses.some((s) => isActive(s.state))) ensureSupervisor(ctx.store);
}
