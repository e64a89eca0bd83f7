import { readFileSync, readdirSync, statSync } from 'node:fs';

/** Which task's processes: the marker every worker's environment carries (launch-worker.ts). */
export interface TaskMarker {
  taskDir: string;
  taskId: string;
  /** Only this attempt's processes; every attempt's when absent. */
  attempt?: number;
}

/** One process found carrying a task's marker, or started by one that does. */
export interface TaskProcess {
  pid: number;
  /** Start time (clock ticks since boot), so a pid reused meanwhile is never signalled. */
  startTime: string;
  /** The short name the kernel keeps (/proc/PID/comm), never the arguments: they may hold a prompt. */
  name: string;
}

interface ProcEntry {
  pid: number;
  ppid: number;
  startTime: string;
  name: string;
}

function readEntry(pid: number): ProcEntry | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return {
      pid,
      ppid: Number(fields[1]),
      startTime: fields[19] ?? '',
      name: text.slice(open + 1, close),
    };
  } catch {
    return undefined;
  }
}

function carries(pid: number, marks: readonly string[]): boolean {
  let environ: string;
  try {
    environ = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`;
  } catch {
    return false;
  }
  return marks.every((mark) => environ.includes(`\0${mark}\0`));
}

/** The entries of /proc, or null where it cannot be searched (not Linux). */
function procNames(): string[] | null {
  if (process.platform !== 'linux') return null;
  try {
    return readdirSync('/proc');
  } catch {
    return null;
  }
}

/** The pids among /proc's entries of this user's processes, but not init and not `exclude`. */
function* ownPids(names: readonly string[], exclude: ReadonlySet<number>): Generator<number> {
  const uid = process.getuid?.();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid <= 1 || exclude.has(pid)) continue;
    try {
      // root may read anyone's environment: the owner is checked, not assumed.
      if (uid !== undefined && statSync(`/proc/${name}`).uid !== uid) continue;
    } catch {
      continue;
    }
    yield pid;
  }
}

/**
 * Every live process of this user that belongs to a task, whatever process group or session it
 * moved to (Gemini CLI and opencode run tool commands in groups of their own; a daemon
 * double-forks into a new session): those whose environment carries the task's folder, id and
 * attempt, and the processes they started (a child that cleared its environment is still in the
 * tree). Nothing of another user, nothing without that ancestry, never the processes in
 * `exclude` (the caller, the supervisor). Linux only: null where /proc cannot be searched.
 */
export function findTaskProcesses(
  marker: TaskMarker,
  exclude: ReadonlySet<number> = new Set(),
): TaskProcess[] | null {
  const names = procNames();
  if (names === null) return null;
  const marks = [`DISPATCH_TASK_DIR=${marker.taskDir}`, `DISPATCH_TASK_ID=${marker.taskId}`];
  if (marker.attempt !== undefined) marks.push(`DISPATCH_ATTEMPT=${marker.attempt}`);
  const entries = new Map<number, ProcEntry>();
  const found = new Map<number, ProcEntry>();
  for (const pid of ownPids(names, exclude)) {
    const entry = readEntry(pid);
    if (!entry) continue;
    entries.set(pid, entry);
    if (carries(pid, marks)) found.set(pid, entry);
  }
  // Descendants of a marked process: children of children, until nothing new turns up.
  let grew = found.size > 0;
  while (grew) {
    grew = false;
    for (const entry of entries.values()) {
      if (!found.has(entry.pid) && found.has(entry.ppid)) {
        found.set(entry.pid, entry);
        grew = true;
      }
    }
  }
  return [...found.values()].map(({ pid, startTime, name }) => ({ pid, startTime, name }));
}

/** The value of one variable in a /proc environ text (entries separated by NUL). */
function environValue(environ: string, name: string): string | undefined {
  const start = environ.indexOf(`\0${name}=`);
  if (start < 0) return undefined;
  const from = start + name.length + 2;
  const end = environ.indexOf('\0', from);
  return environ.slice(from, end < 0 ? undefined : end);
}

/**
 * Which of the markers some live process of this user carries, in one pass over /proc: the
 * supervisor looks for what the workers that ended together left behind all at once instead of
 * scanning every process once per task. Only a task found here can have leftovers to stop
 * (findTaskProcesses then finds them and their children). Null where /proc cannot be searched.
 */
export function markersInUse(
  markers: readonly TaskMarker[],
  exclude: ReadonlySet<number> = new Set(),
): Set<TaskMarker> | null {
  const names = procNames();
  if (names === null) return null;
  const byTask = new Map<string, TaskMarker[]>();
  for (const marker of markers) {
    const key = `${marker.taskDir}\0${marker.taskId}`;
    byTask.set(key, [...(byTask.get(key) ?? []), marker]);
  }
  const inUse = new Set<TaskMarker>();
  for (const pid of ownPids(names, exclude)) {
    if (inUse.size === markers.length) break;
    let environ: string;
    try {
      environ = `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
    } catch {
      continue;
    }
    const dir = environValue(environ, 'DISPATCH_TASK_DIR');
    if (dir === undefined) continue;
    const candidates = byTask.get(`${dir}\0${environValue(environ, 'DISPATCH_TASK_ID') ?? ''}`);
    if (!candidates) continue;
    const attempt = environValue(environ, 'DISPATCH_ATTEMPT');
    for (const marker of candidates)
      if (marker.attempt === undefined || String(marker.attempt) === attempt) inUse.add(marker);
  }
  return inUse;
}

/** Signals a process only if its pid still names the process found (same start time). */
function signalFound(found: TaskProcess, signal: NodeJS.Signals): void {
  const now = readEntry(found.pid);
  if (!now || now.startTime !== found.startTime) return;
  try {
    process.kill(found.pid, signal);
  } catch {
    // gone meanwhile
  }
}

export interface StoppedProcesses {
  /** Every process signalled, in the order found. */
  processes: TaskProcess[];
  /** How many needed SIGKILL after the grace period. */
  killed: number;
  /** Processes still found when it gave up (a fork loop faster than the kills). */
  left: number;
}

const KILL_ROUNDS = 20;

/**
 * Stops every process of a task (see findTaskProcesses): SIGCONT and SIGTERM, looking again for
 * processes started meanwhile until none is left or `graceMs` passed, then SIGKILL in rounds.
 * Resolves with what was stopped; null where processes cannot be searched (not Linux).
 */
export async function stopTaskProcesses(
  marker: TaskMarker,
  options: { graceMs?: number; exclude?: ReadonlySet<number> } = {},
): Promise<StoppedProcesses | null> {
  const exclude = new Set([process.pid, ...(options.exclude ?? [])]);
  const find = () => findTaskProcesses(marker, exclude);
  let current = find();
  if (current === null) return null;
  const signalled = new Map<string, TaskProcess>();
  const key = (p: TaskProcess) => `${p.pid}:${p.startTime}`;
  const deadline = Date.now() + (options.graceMs ?? 3000);
  let delay = 5;
  while (current.length > 0 && Date.now() < deadline) {
    for (const found of current) {
      if (signalled.has(key(found))) continue;
      signalled.set(key(found), found);
      // A stopped process (SIGSTOP, ^Z) never handles SIGTERM: continue it first.
      signalFound(found, 'SIGCONT');
      signalFound(found, 'SIGTERM');
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
    current = find() ?? [];
  }
  const killed = new Set<string>();
  for (let round = 0; round < KILL_ROUNDS && current.length > 0; round++) {
    for (const found of current) {
      if (!signalled.has(key(found))) signalled.set(key(found), found);
      signalFound(found, 'SIGKILL');
      killed.add(key(found));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    current = find() ?? [];
  }
  return { processes: [...signalled.values()], killed: killed.size, left: current.length };
}
