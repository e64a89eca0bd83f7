// Figure 2: from a worker's question file or completion marker landing (atomic rename at T0) to
// the waiting process exiting (T1), for `dispatch wait ID` and for the original's bash monitor.
//
// Armed: `dispatch wait` is started first; the harness then waits until the process holds its 3
// inotify watches (tasks/, the task folder, ipc/ — read from /proc/<pid>/fdinfo), plus a
// documented 50 ms settle so the re-read it does right after arming has finished. A marker that
// lands earlier is still caught (queued event or that re-read), so the settle only keeps the
// figure from including startup work. The monitor is armed once started; its marker lands at a
// uniformly random moment 0.2–3.2 s after start, i.e. anywhere in its 3 s poll cycle.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startMonitor, writeMonitor } from '../lib/monitor.mjs';
import { killGroup, now, sleep, waitForWatches } from '../lib/proc.mjs';
import { dispatchHangingTask, taskDir, workerPids, writeAtomic } from '../lib/sandbox.mjs';
import { describe } from '../lib/stats.mjs';

const SETTLE_MS = 50;

/** Starts `dispatch wait id`, waits until armed, fires the marker, returns T1 − T0 in ms. */
async function waitLatency(sandbox, project, id, fire, expect) {
  const { child, done } = sandbox.cli(project, ['wait', id]);
  try {
    await waitForWatches(/** @type {number} */ (child.pid), 3);
  } catch (error) {
    child.kill('SIGKILL');
    const run = await done;
    throw new Error(`${error.message}; dispatch wait ${id} said: ${run.stdout}${run.stderr}`);
  }
  await sleep(SETTLE_MS);
  if (child.exitCode !== null) throw new Error(`dispatch wait ${id} exited before the marker`);
  const t0 = now();
  fire();
  const run = await done;
  if (run.code !== 0 || !run.stdout.includes(expect))
    throw new Error(`dispatch wait ${id}: exit ${run.code}, output ${run.stdout}${run.stderr}`);
  return run.exitAt - t0;
}

async function oursOnce(sandbox, project, rep) {
  const id = `notify-${rep}`;
  await dispatchHangingTask(sandbox, project, id);
  const ipc = join(taskDir(project, id), 'ipc');
  const question = await waitLatency(
    sandbox,
    project,
    id,
    () => writeAtomic(join(ipc, '001.question'), 'Which database?\n'),
    'question 001',
  );
  // Answered (as `dispatch answer` would write it), the task is running again: now the end.
  writeAtomic(join(ipc, '001.answer'), 'Postgres\n');
  const completion = await waitLatency(
    sandbox,
    project,
    id,
    () => writeAtomic(join(ipc, '.done'), ''),
    ': done',
  );
  // The finished task stays: deleting it would race the supervisor's own last writes to it.
  for (const pid of workerPids(project, id)) killGroup(pid);
  return { question, completion };
}

/** `count` monitors at once, each on its own folder, each marker at a random phase. */
async function baselineBatch(sandbox, script, count, kind) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const ipc = join(sandbox.base, `monitor-${kind}-${i}`, 'ipc');
      mkdirSync(ipc, { recursive: true });
      const { child, done } = startMonitor(sandbox, script, ipc);
      await sleep(200 + Math.random() * 3000);
      if (child.exitCode !== null) throw new Error('the monitor exited before the marker');
      const t0 = now();
      writeAtomic(join(ipc, kind === 'question' ? '001.question' : '.done'), 'x\n');
      const run = await done;
      killGroup(/** @type {number} */ (child.pid));
      if (run.code !== 0) throw new Error(`the monitor exited ${run.code}`);
      return run.exitAt - t0;
    }),
  );
}

export async function notificationLatency(sandbox, { reps }) {
  const project = sandbox.project('notify');
  const ours = { question: [], completion: [] };
  // One unmeasured round first: it starts the supervisor and warms the page cache.
  for (let rep = 0; rep <= reps; rep++) {
    const one = await oursOnce(sandbox, project, rep);
    if (rep === 0) continue;
    ours.question.push(one.question);
    ours.completion.push(one.completion);
  }
  const script = writeMonitor(sandbox);
  const base = {
    question: await baselineBatch(sandbox, script, reps, 'question'),
    completion: await baselineBatch(sandbox, script, reps, 'completion'),
  };
  const figures = [];
  for (const kind of /** @type {const} */ (['question', 'completion'])) {
    const label = kind === 'question' ? 'question file' : 'completion marker';
    const p50 = describe(ours[kind], 50);
    const b50 = describe(base[kind], 50);
    figures.push({
      name: `${label} → wait exits`,
      unit: 'ms',
      stat: 'p50',
      ours: p50,
      baseline: b50,
      baselineLabel: 'bash monitor, sleep 3',
      target: 'p50 < 20 ms and ≥ 30x faster',
      pass: p50.value < 20 && b50.value / p50.value >= 30,
    });
    const p99 = describe(ours[kind], 99);
    figures.push({
      name: `${label} → wait exits`,
      unit: 'ms',
      stat: 'p99',
      ours: p99,
      baseline: describe(base[kind], 99),
      baselineLabel: 'bash monitor, sleep 3',
      target: 'p99 < 100 ms',
      pass: p99.value < 100,
    });
  }
  return figures;
}
