import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

// Every process of the machine with its whole command line: a busy machine's list (agent CLIs
// carry their prompts as arguments) exceeds execFileSync's default 1 MiB.
const PS = { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 } as const;

/** Processes of a group that still run (zombies waiting to be reaped do not count), as ps sees them. */
export function runningInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], PS);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => Number(fields[1]) === pgid && !(fields[2] ?? '').startsWith('Z'))
    .map((fields) => fields.join(' '));
}

/** Direct children of a process, as ps sees them. */
export function childPids(ppid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid='], PS);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, parent]) => parent === ppid)
    .map(([pid]) => pid as number);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], {
      encoding: 'utf8',
    }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false;
  }
}

/** Processes other than this one whose command line mentions `text` (Linux: /proc/PID/cmdline). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) pids.push(pid);
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Command lines of the processes of a group that mention `text` (Linux: /proc/PID/cmdline). */
export function groupMentioning(pgid: number, text: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The fields after the command name, which may itself hold spaces and parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(text)) found.push(cmdline.replace(/\0/g, ' '));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * Processes other than this one that carry a task's marker in their environment (Linux:
 * /proc/PID/environ): its id and its folder, so a task of the same name elsewhere never counts.
 */
export function processesMarkedWith(
  taskId: string,
  taskDir: string,
): { pid: number; args: string }[] {
  const found: { pid: number; args: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(`DISPATCH_TASK_ID=${taskId}`)) continue;
      if (!environ.includes(`DISPATCH_TASK_DIR=${taskDir}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // A zombie has ended; its parent has not reaped it yet.
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      found.push({ pid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}
