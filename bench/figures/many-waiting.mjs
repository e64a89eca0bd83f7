// Figure 7: N tasks waiting on questions at once (1,000; 50 with --quick). The workers are
// `sleep` processes configured as a generic CLI (an agent blocked in `dispatch ask` costs the
// dispatcher nothing more than a live process), started by one fan-out `dispatch run`; the
// harness writes each question file itself (temp + rename), as in figure 2.
//   wait      – `dispatch wait` over all N tasks, armed (its inotify watches counted), then one
//               question: its RSS while armed, and the time from the rename to its exit, repeated
//               on a different task each time (the previous question answered first);
//   supervisor – every task waiting: the supervisor's RSS (median of samples) and its CPU scaled
//               to 30 s, the median of four consecutive windows, and its inotify watches against
//               2 per live task.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cpuSeconds,
  inotifyWatches,
  isRunning,
  killGroup,
  memoryOf,
  now,
  sleep,
  waitForQuiet,
  waitForWatches,
} from '../lib/proc.mjs';
import { readEvents, supervisorPid, taskDir, until, writeAtomic } from '../lib/sandbox.mjs';
import { describe, percentile, round } from '../lib/stats.mjs';

const SAMPLES = 10;
const WINDOWS = 4;

/** @param {{ tasks: number, reps: number, windowMs: number, settleMs: number }} options */
export async function manyWaiting(sandbox, { tasks, reps, windowMs, settleMs }) {
  const project = sandbox.project('waiting');
  const config = join(sandbox.base, 'waiting-config.yaml');
  writeFileSync(
    config,
    [
      'default: sleeper',
      'backends:',
      // The prompt arrives as the last argument: `sh -c` takes it as $0 and ignores it.
      '  sleeper: { command: "sh -c \'exec sleep 3600\'", type: generic }',
      'models:',
      '  sleeper: { backend: sleeper }',
      '',
    ].join('\n'),
  );
  const plan = join(project, 'waiting-plan.md');
  writeFileSync(
    plan,
    Array.from({ length: tasks }, (_, i) => `# Waiting task ${i}\n\n- [ ] ask\n`).join('\n'),
  );
  const env = { DISPATCH_CONFIG: config };
  const run = await sandbox.cli(project, ['run', '--plan-file', plan, '--json'], env).done;
  if (run.code !== 0) throw new Error(`dispatch run exited ${run.code}: ${run.stderr.trim()}`);
  const ids = /** @type {Array<{ id: string }>} */ (JSON.parse(run.stdout)).map((t) => t.id);
  const workers = await until(
    `all ${tasks} workers to start`,
    () => {
      const pids = ids.map((id) => readEvents(project, id).find((e) => e.type === 'spawned')?.pid);
      return pids.every((pid) => pid !== undefined) ? pids.map(Number) : undefined;
    },
    120_000,
    200,
  );
  const supervisor = await until('the supervisor', () => supervisorPid(project));
  await sleep(settleMs);

  const ask = (id) => writeAtomic(join(taskDir(project, id), 'ipc', '001.question'), 'Which?\n');
  const answer = (id) => writeAtomic(join(taskDir(project, id), 'ipc', '001.answer'), 'This.\n');

  // `dispatch wait` over all of them: armed, then woken by one question.
  const wakes = [];
  const waitRss = [];
  for (let i = 0; i < reps; i++) {
    const id = /** @type {string} */ (ids[i]);
    const { child, done } = sandbox.cli(project, ['wait', '--json'], env);
    const pid = /** @type {number} */ (child.pid);
    await waitForWatches(pid, 1 + 2 * tasks, 60_000);
    await waitForQuiet(pid); // it reads every task once more after arming
    waitRss.push(memoryOf([pid]).rssMiB);
    const t0 = now();
    ask(id);
    const exit = await done;
    if (exit.code !== 0 || !exit.stdout.includes('Which?'))
      throw new Error(`dispatch wait did not report the question: ${exit.code} ${exit.stderr}`);
    wakes.push(exit.exitAt - t0);
    answer(id);
  }

  // Every task waiting: the supervisor alone.
  for (const id of ids.slice(reps)) ask(id);
  await until(
    'the supervisor to record every question',
    () => ids.slice(reps).every((id) => readEvents(project, id).some((e) => e.type === 'question')),
    180_000,
    250,
  );
  await sleep(settleMs);
  // Consecutive windows: the first ones also hold V8's clean-up of the heap once the burst of
  // starts and questions is over (a full garbage collection, some tens of ms); the median is what
  // a typical 30 s of waiting costs, and the maximum shows the clean-up.
  const rss = [];
  const cpuPer30 = [];
  for (let w = 0; w < WINDOWS; w++) {
    const cpu0 = cpuSeconds(supervisor);
    const t0 = now();
    for (let i = 0; i < SAMPLES; i++) {
      rss.push(memoryOf([supervisor]).rssMiB);
      await sleep(windowMs / SAMPLES);
    }
    cpuPer30.push(round(((cpuSeconds(supervisor) - cpu0) * 30_000) / (now() - t0), 4));
  }
  const watches = inotifyWatches(supervisor);
  const live = workers.filter(isRunning).length;
  for (const pid of workers) killGroup(pid);

  const n = `${tasks} tasks waiting`;
  const wake = describe(wakes, 99);
  const supervisorRss = describe(rss);
  const waitMemory = describe(waitRss);
  const watchLimit = 2 * live + 16;
  return [
    {
      name: `${n}: dispatch wait wakes (p99)`,
      unit: 'ms',
      stat: 'p99',
      ours: wake,
      baseline: null,
      target: '≤ 20 ms',
      pass: wake.value <= 20,
      details: { p50: round(percentile(wakes, 50)), all: wakes.map((ms) => round(ms)) },
    },
    {
      name: `${n}: dispatch wait memory`,
      unit: 'MiB',
      stat: 'median',
      ours: waitMemory,
      baseline: null,
      target: '≤ 48 MiB',
      pass: waitMemory.value <= 48,
    },
    {
      name: `${n}: supervisor memory`,
      unit: 'MiB',
      stat: 'median',
      ours: supervisorRss,
      baseline: null,
      target: '≤ 64 MiB',
      pass: supervisorRss.value <= 64,
    },
    {
      name: `${n}: supervisor CPU`,
      unit: 'CPU-s/30s',
      stat: `median of ${WINDOWS}`,
      ours: describe(cpuPer30),
      baseline: null,
      target: '≤ 0.02',
      pass: describe(cpuPer30).value <= 0.02,
      details: { windows: cpuPer30 },
    },
    {
      name: `${n}: supervisor inotify watches`,
      unit: 'watches',
      stat: 'once',
      ours: describe([watches]),
      baseline: null,
      target: `≤ 2 per live task + 16 (${watchLimit})`,
      pass: watches <= watchLimit,
      details: { liveTasks: live },
    },
  ];
}
