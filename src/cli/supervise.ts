import type { TaskStatus } from '../core/status/task-status.js';
import { ensureSupervisor } from '../runtime/supervisor/ensure-supervisor.js';
import type { CliContext } from './cli-context.js';
import { isActive } from '../core/status/state-groups.js';

/**
 * Commands that show tasks also make sure a supervisor looks after the active ones: after a crash
 * of the supervisor, the next command brings one back, which re-adopts the workers from the files.
 */
export function ensureSupervisorIfActive(ctx: CliContext, statuses: TaskStatus[]): void {
  if (statuses.some((s) => isActive(s.state))) ensureSupervisor(ctx.store);
}
