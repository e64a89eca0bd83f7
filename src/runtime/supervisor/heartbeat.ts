import { utimesSync } from 'node:fs';

/**
 * The supervisor shows it is alive by touching its lock file (the mtime is the heartbeat). A
 * supervisor whose process exists but whose heartbeat stopped (SIGSTOP, a hung file system) is
 * stale: the next command replaces it rather than wait on it forever.
 */
const DEFAULT_HEARTBEAT_MS = 2000;

export function heartbeatMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.DISPATCH_SUPERVISOR_HEARTBEAT_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_HEARTBEAT_MS;
}

/** Silence after which a supervisor counts as hung: ten missed beats (a long scheduling pass is not a hang). */
export function heartbeatStaleMs(env: NodeJS.ProcessEnv): number {
  return Math.max(1000, heartbeatMs(env) * 10);
}

export function beat(lockPath: string): void {
  const now = new Date();
  utimesSync(lockPath, now, now);
}
