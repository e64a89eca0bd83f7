import { isGroupAlive } from './process-info.js';

export interface StopResult {
  /** The group was gone after SIGTERM, or needed SIGKILL. */
  escalated: boolean;
  stopped: boolean;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Stops a worker and everything it started: SIGCONT and SIGTERM to the whole process group, then
 * SIGKILL if anything is left after `graceMs`. The caller must stay alive until this resolves (the
 * supervisor does; a command awaits it), or the SIGKILL never comes. Resolves when the group is gone (or SIGKILL was sent).
 */
export async function stopProcessGroup(pgid: number, graceMs = 3000): Promise<StopResult> {
  if (!isGroupAlive(pgid)) return { escalated: false, stopped: true };
  // A stopped process (SIGSTOP, a debugger, ^Z) never handles SIGTERM: continue it first.
  signalGroup(pgid, 'SIGCONT');
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let delay = 5;
  while (Date.now() < deadline) {
    if (!isGroupAlive(pgid)) return { escalated: false, stopped: true };
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
  signalGroup(pgid, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (Date.now() < killDeadline && isGroupAlive(pgid))
    await new Promise((resolve) => setTimeout(resolve, 10));
  return { escalated: true, stopped: !isGroupAlive(pgid) };
}
