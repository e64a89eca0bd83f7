import { readFileSync, readdirSync } from 'node:fs';
import { processStartTime } from './process-info.js';

export interface AttemptProcess {
  /** The worker's wrapper: the leader of the attempt's process group. */
  pid: number;
  startTime: string | null;
}

/**
 * The live process that runs a task's attempt, found by the environment every worker is started
 * with (DISPATCH_TASK_DIR and DISPATCH_ATTEMPT, in /proc/PID/environ). It tells a starter that died
 * before spawning from one that died after: only the first leaves the attempt free to start.
 * Undefined when none runs; null where the process table cannot be searched (not Linux).
 */
export function findAttemptProcess(
  taskDir: string,
  attempt: number,
): AttemptProcess | undefined | null {
  if (process.platform !== 'linux') return null;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const dirMark = `\0DISPATCH_TASK_DIR=${taskDir}\0`;
  const attemptMark = `\0DISPATCH_ATTEMPT=${attempt}\0`;
  let found: AttemptProcess | undefined;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    let environ: string;
    let stat: string;
    try {
      environ = `\0${readFileSync(`/proc/${entry}/environ`, 'latin1')}`;
      if (!environ.includes(dirMark) || !environ.includes(attemptMark)) continue;
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile, or another user's
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    const pgid = Number(fields[2]);
    // The wrapper leads the group; a child of it (the agent CLI) leads us to it.
    const leader = pgid > 0 ? pgid : pid;
    if (!found || leader === pid) found = { pid: leader, startTime: processStartTime(leader) };
  }
  return found;
}
