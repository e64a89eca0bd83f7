// Figure 3: what watching N idle tasks costs. N real simulated workers sit in `hang` (idle, as an
// agent blocked on an answer is; their own cost is not counted on either side). Three phases on
// the same N task folders, each over the same window:
//   running  – no question pending: the supervisor plus one `dispatch wait` (all tasks), which
//              is what a host keeps running to be told;
//   baseline – N copies of the original's bash monitor on the same ipc/ folders (before any
//              question: a monitor exits at an unanswered question and the original starts a
//              new one after the answer, so one runs per running task);
//   waiting  – the harness writes 001.question into every ipc/ (temp + rename): every task is
//              "waiting"; the supervisor alone (a `dispatch wait` would return at once).
// Memory: summed VmRSS, median of 11 samples over the window; PSS and USS too, in details, as
// RSS counts shared pages (bash, node, libc) once in every process that maps them.
// CPU, scaled to 30 s: ours, the run time of every thread of the process (/proc/<pid>/task/*/schedstat) between the
// window's ends; the monitors, everything they and their `date`/`sleep` children used from start
// to stop (getrusage through bash `times`), so it includes each monitor's start (~2 ms).
// Why `hang` and not `ask:`: a sim worker waiting in `ask:` holds an inotify instance (128 per
// user on a default system) and polls every 250 ms, which would load the machine being measured.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startMonitorGroup, writeMonitor } from '../lib/monitor.mjs';
import {
  cpuSeconds,
  descendants,
  isRunning,
  killGroup,
  memoryOf,
  now,
  pool,
  processTable,
  sleep,
  waitForWatches,
  waitGone,
} from '../lib/proc.mjs';
import {
  dispatchHangingTask,
  readEvents,
  supervisorPid,
  taskDir,
  until,
  workerPids,
  writeAtomic,
} from '../lib/sandbox.mjs';
import { describe } from '../lib/stats.mjs';

const SAMPLES = 10;

/** Samples memory over the window; CPU per process between its ends (and its thirds). */
async function measure(pidsOf, windowMs) {
  const samples = [];
  for (let i = 0; i <= SAMPLES; i++) {
    const pids = pidsOf();
    samples.push({
      at: now(),
      cpu: pids.map(cpuSeconds),
      rssEach: pids.map((pid) => memoryOf([pid]).rssMiB),
      ...memoryOf(pids),
    });
    if (i < SAMPLES) await sleep(windowMs / SAMPLES);
  }
  const per30 = (a, b) =>
    ((b.cpu.reduce((x, y) => x + y, 0) - a.cpu.reduce((x, y) => x + y, 0)) * 30_000) /
    (b.at - a.at);
  const at = (k) => /** @type {(typeof samples)[0]} */ (samples[Math.round((k * SAMPLES) / 3)]);
  const thirds = [0, 1, 2].map((k) => per30(at(k), at(k + 1)));
  const first = at(0);
  const last = at(3);
  return {
    rss: describe(samples.map((s) => s.rssMiB)),
    pss: describe(samples.map((s) => s.pssMiB)),
    uss: describe(samples.map((s) => s.ussMiB)),
    cpu: { ...describe(thirds), value: per30(first, last) },
    perProcessCpu: last.cpu.map(
      (c, i) => ((c - (first.cpu[i] ?? 0)) * 30_000) / (last.at - first.at),
    ),
    processes: describe(samples.map((s) => s.processes)),
    rssEach: last.rssEach,
  };
}

/** Lowers N when the machine lacks the memory for N idle Node workers (~50 MiB each). */
function affordableTasks(wanted) {
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const availableMiB = Number(meminfo.match(/^MemAvailable:\s+(\d+)/m)?.[1] ?? 0) / 1024;
  return Math.max(10, Math.min(wanted, Math.floor((availableMiB - 2048) / 70)));
}

/**
 * @param {{ tasks: number, windowMs: number, settleMs: number, note: (m: string) => void }} options
 * settleMs: after arming and between phases, lets startup work (JIT, GC, first re-reads) finish.
 */
export async function idleCost(sandbox, { tasks: wanted, windowMs, settleMs, note }) {
  const tasks = affordableTasks(wanted);
  if (tasks < wanted) note(`idle cost: ${tasks} tasks instead of ${wanted} (memory available)`);
  const project = sandbox.project('idle');
  const ids = Array.from({ length: tasks }, (_, i) => `idle-${String(i).padStart(3, '0')}`);
  await pool(tasks, 4, (i) =>
    dispatchHangingTask(sandbox, project, /** @type {string} */ (ids[i])),
  );
  const duplicates = ids.filter((id) => workerPids(project, id).length > 1).length;
  if (duplicates > 0) note(`idle cost: ${duplicates} tasks were started twice (two workers)`);
  const supervisor = await until('the supervisor', () => supervisorPid(project));
  await sleep(settleMs);

  // Phase 1: running; the supervisor and one `dispatch wait` for every task.
  const { child: wait } = sandbox.cli(project, ['wait']);
  const waitPid = /** @type {number} */ (wait.pid);
  await waitForWatches(waitPid, 1 + 2 * tasks);
  await sleep(settleMs);
  const running = await measure(() => [supervisor, waitPid], windowMs);
  if (!isRunning(waitPid)) throw new Error('dispatch wait exited while nothing happened');
  wait.kill('SIGKILL');
  await waitGone(waitPid);

  // Phase 2: the original's monitors on the same folders.
  const script = writeMonitor(sandbox);
  const startedAt = now();
  const group = startMonitorGroup(
    sandbox,
    script,
    ids.map((id) => join(taskDir(project, id), 'ipc')),
  );
  await sleep(3500); // one whole poll cycle: every monitor is in its loop
  const monitorPids = () => descendants(group.pid);
  const baselineMemory = await measure(monitorPids, windowMs);
  // The group's own children only: a monitor's `$(date +%s)` is a forked copy of it, with the
  // same command line, for the instant before it runs `date`.
  const alive = [...processTable().values()].filter((stat) => {
    if (stat.ppid !== group.pid) return false;
    try {
      return readFileSync(`/proc/${stat.pid}/cmdline`, 'utf8').includes('monitor.sh');
    } catch {
      return false; // a monitor that ended since the listing
    }
  }).length;
  if (alive !== tasks) throw new Error(`${tasks - alive} monitors exited while nothing happened`);
  const monitorCpu = await group.stop();
  const lifetimeMs = now() - startedAt;
  killGroup(group.pid); // the `sleep`s the killed monitors left behind
  const baseline = {
    ...baselineMemory,
    // One figure for the whole group: min and max are that figure.
    cpu: describe([(monitorCpu * 30_000) / lifetimeMs]),
  };

  // Phase 3: every worker waits for an answer, and the supervisor has recorded every question.
  for (const id of ids) writeAtomic(join(taskDir(project, id), 'ipc', '001.question'), 'Which?\n');
  await until(
    'the supervisor to record every question',
    () => ids.every((id) => readEvents(project, id).some((e) => e.type === 'question')),
    120_000,
    200,
  );
  await sleep(settleMs);
  const waiting = await measure(() => [supervisor], windowMs);

  for (const id of ids) for (const pid of workerPids(project, id)) killGroup(pid);
  const n = `${tasks} tasks`;
  const detail = (m, what) => ({
    what,
    pssMiB: m.pss,
    ussMiB: m.uss,
    processes: m.processes.value,
    cpuPer30sEach: m.perProcessCpu,
    rssMiBEach: m.rssEach,
  });
  return [
    {
      name: `idle memory, ${n} running (supervisor + wait)`,
      unit: 'MiB',
      stat: 'median',
      ours: running.rss,
      baseline: baseline.rss,
      baselineLabel: `${tasks} monitors`,
      target: '< 100 MiB and ≥ 5x less',
      pass: running.rss.value < 100 && baseline.rss.value / running.rss.value >= 5,
      details: {
        ours: detail(running, 'supervisor, dispatch wait'),
        baseline: {
          what: `${tasks} bash monitors and their children`,
          pssMiB: baseline.pss,
          ussMiB: baseline.uss,
        },
      },
    },
    {
      name: `idle CPU, ${n} running (supervisor + wait)`,
      unit: 'CPU-s/30s',
      stat: 'total',
      ours: running.cpu,
      baseline: baseline.cpu,
      baselineLabel: `${tasks} monitors`,
      target: '< 0.1',
      pass: running.cpu.value < 0.1,
      details: { ours: detail(running, 'supervisor, dispatch wait') },
    },
    {
      name: `idle memory, ${n} waiting (supervisor)`,
      unit: 'MiB',
      stat: 'median',
      ours: waiting.rss,
      baseline: null,
      target: '< 100 MiB',
      pass: waiting.rss.value < 100,
      details: { ours: detail(waiting, 'supervisor') },
    },
    {
      name: `idle CPU, ${n} waiting (supervisor)`,
      unit: 'CPU-s/30s',
      stat: 'total',
      ours: waiting.cpu,
      baseline: null,
      target: '< 0.1',
      pass: waiting.cpu.value < 0.1,
      details: { ours: detail(waiting, 'supervisor') },
    },
  ];
}
