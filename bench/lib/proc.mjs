// Real processes and what /proc says about them: timed runs, CPU and memory of process trees,
// whether a watcher is armed, and killing only what the benchmark started.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds on the monotonic clock. */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Starts a process and resolves when it has exited and its output is read. `ms` runs from just
 * before spawn() to the 'exit' event (not 'close', which also waits for inherited pipes).
 * @param {string} command
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} [options]
 * @returns {{ child: import('node:child_process').ChildProcess, done: Promise<Run> }}
 * @typedef {{ ms: number, exitAt: number, code: number | null, signal: string | null, stdout: string, stderr: string }} Run
 */
export function start(command, args, options = {}) {
  const t0 = now();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  /** @type {Promise<Run>} */
  const done = new Promise((resolve, reject) => {
    let exit = { exitAt: 0, code: /** @type {number|null} */ (null), signal: null };
    child.on('error', reject);
    child.on('exit', (code, signal) => (exit = { exitAt: now(), code, signal }));
    child.on('close', () =>
      resolve({ ms: exit.exitAt - t0, ...exit, stdout, stderr, signal: exit.signal }),
    );
  });
  return { child, done };
}

/** @param {string} command @param {string[]} args @param {import('node:child_process').SpawnOptions} [options] */
export const timed = (command, args, options) => start(command, args, options).done;

/**
 * @typedef {{ pid: number, ppid: number, pgid: number, state: string, ticks: number, startTime: string }} ProcStat
 * @param {number} pid
 * @returns {ProcStat | undefined}
 */
export function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command name) may hold spaces and parentheses: split after the last ')'.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state); utime, stime, cutime, cstime are fields 14–17; starttime is 22.
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return {
      pid,
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      state: f[0] ?? '?',
      ticks,
      startTime: f[19] ?? '',
    };
  } catch {
    return undefined;
  }
}

/** Fields in kB of a /proc/<pid>/<file> ("VmRSS" in status, "Pss" in smaps_rollup); 0 if absent. */
function kbFields(pid, file, fields) {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    // gone, or a zombie
  }
  return fields.map((field) =>
    Number(text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0),
  );
}

/**
 * RSS counts every resident page, shared ones (the bash or node binary, libc) in every process
 * that maps them; PSS splits shared pages between their sharers; USS counts private pages only:
 * what exiting would free.
 */
export function memoryKiB(pid) {
  const [rss = 0] = kbFields(pid, 'status', ['VmRSS']);
  const [pss = 0, clean = 0, dirty = 0] = kbFields(pid, 'smaps_rollup', [
    'Pss',
    'Private_Clean',
    'Private_Dirty',
  ]);
  return { rss, pss, uss: clean + dirty };
}

/** Every process on the machine (pid → stat). */
export function processTable() {
  /** @type {Map<number, ProcStat>} */
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = procStat(Number(name));
    if (stat) table.set(stat.pid, stat);
  }
  return table;
}

/** The pids of a process's descendants (children, grandchildren, …), from one /proc snapshot. */
export function descendants(pid) {
  const table = processTable();
  const found = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const stat of table.values())
      if (!found.has(stat.pid) && found.has(stat.ppid)) {
        found.add(stat.pid);
        grew = true;
      }
  }
  found.delete(pid);
  return [...found];
}

/** Summed RSS, PSS and USS of some processes, in MiB. */
export function memoryOf(pids) {
  const sum = { rss: 0, pss: 0, uss: 0 };
  for (const pid of pids) {
    const m = memoryKiB(pid);
    sum.rss += m.rss;
    sum.pss += m.pss;
    sum.uss += m.uss;
  }
  return {
    rssMiB: sum.rss / 1024,
    pssMiB: sum.pss / 1024,
    ussMiB: sum.uss / 1024,
    processes: pids.length,
  };
}

/**
 * CPU time a process has used, in seconds: the sum of its threads' run time from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds); utime+stime ticks where schedstat is missing.
 */
export function cpuSeconds(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`))
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e9;
  } catch {
    const stat = procStat(pid);
    return stat ? stat.ticks / CLK_TCK : 0;
  }
}

/** Kernel inotify watches a process holds (each `inotify wd:` line of its inotify fds). */
export function inotifyWatches(pid) {
  let count = 0;
  let fds = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return 0;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:inotify') continue;
      const info = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      count += info.split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

/**
 * Resolves once `pid` holds at least `watches` inotify watches: its fs.watch calls have reached
 * the kernel, so a file event from now on is queued for it rather than missed.
 */
export async function waitForWatches(pid, watches, timeoutMs = 30_000) {
  const deadline = now() + timeoutMs;
  while (inotifyWatches(pid) < watches) {
    if (!procStat(pid) || procStat(pid)?.state === 'Z')
      throw new Error(`process ${pid} exited before it was watching`);
    if (now() > deadline) throw new Error(`process ${pid} never held ${watches} inotify watches`);
    await sleep(2);
  }
}

/**
 * Resolves once a process has used no CPU for `quietMs`: it has finished what it does after
 * arming its watches (a `dispatch wait` over 1,000 tasks reads every task again once its watches
 * are in place, which takes longer than a fixed pause) and now only waits for events.
 */
export async function waitForQuiet(pid, quietMs = 200, timeoutMs = 60_000) {
  const deadline = now() + timeoutMs;
  let last = cpuSeconds(pid);
  let quietSince = now();
  while (now() - quietSince < quietMs) {
    if (!isRunning(pid)) throw new Error(`process ${pid} exited before it was idle`);
    if (now() > deadline) throw new Error(`process ${pid} never became idle`);
    await sleep(10);
    const cpu = cpuSeconds(pid);
    if (cpu - last > 0.0005) quietSince = now();
    last = cpu;
  }
}

/** Whether a process runs (zombies do not count). */
export function isRunning(pid) {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Whether the process's working folder or command line lies inside `dir`. */
export function belongsTo(pid, dir) {
  try {
    if (`${readlinkSync(`/proc/${pid}/cwd`)}/`.startsWith(`${dir}/`)) return true;
  } catch {
    // gone, or not ours to read
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/**
 * Kills every process that runs in or names the benchmark's own temp folder (workers, their
 * shell wrappers, supervisors, monitors and their `sleep`s), each by its pid, until none is left.
 * The folder is unique to this run, so nothing else matches.
 */
export function killEverythingIn(dir) {
  for (let round = 0; round < 20; round++) {
    const ours = [...processTable().keys()].filter(
      (pid) => pid !== process.pid && isRunning(pid) && belongsTo(pid, dir),
    );
    if (ours.length === 0) return;
    for (const pid of ours) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

/** Kills a process group (workers and monitors run in their own). */
export function killGroup(pgid, signal = 'SIGKILL') {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Resolves when the process no longer runs. */
export async function waitGone(pid, timeoutMs = 10_000) {
  const deadline = now() + timeoutMs;
  while (isRunning(pid)) {
    if (now() > deadline) throw new Error(`process ${pid} did not exit`);
    await sleep(10);
  }
}

/**
 * Runs `count` jobs with at most `limit` at a time.
 * @param {number} count @param {number} limit @param {(i: number) => Promise<void>} job
 */
export async function pool(count, limit, job) {
  let next = 0;
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}
