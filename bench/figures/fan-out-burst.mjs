// Figure 6: a burst. One `dispatch run --plan-file` whose plan has N `# Title` sections fans out
// into N tasks (1,000; 100 with --quick) under max_parallel 50. Each worker is a program that
// exits at once (`true`, configured as a generic CLI), so the figure is the dispatcher's own cost:
// creating N task folders, then starting N workers through the queue as slots free up.
//   return    – wall time of `dispatch run` from spawn() to exit (every task created and queued,
//               the supervisor running: a fan-out leaves its queued tasks to the supervisor);
//   starts/s  – N over the time from the first `spawned` event to the last (the events' own
//               timestamps, so the harness's polling does not count);
//   exactly once – every task has exactly one `spawned` event and never more than 50 workers ran
//               at once (the `spawned`/`exited` times, replayed in order);
//   watches   – the supervisor's inotify watches once all N have finished: finished tasks are
//               not watched, so a constant whatever N.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inotifyWatches, sleep } from '../lib/proc.mjs';
import { readEvents, supervisorPid, until } from '../lib/sandbox.mjs';
import { describe, round } from '../lib/stats.mjs';

const MAX_PARALLEL = 50;

function planText(tasks) {
  const sections = Array.from(
    { length: tasks },
    (_, i) => `# Burst task ${String(i).padStart(4, '0')}\n\n- [ ] step one\n`,
  );
  return `${sections.join('\n')}`;
}

/** The most workers whose [spawned, exited] spans overlap at any moment. */
function peakParallel(spans) {
  const points = spans.flatMap(([start, end]) => [
    [start, 1],
    [end, -1],
  ]);
  // At equal times an exit is counted before a start: the slot is free again.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, step] of points) {
    now += step;
    peak = Math.max(peak, now);
  }
  return peak;
}

/** @param {{ tasks: number }} options */
export async function fanOutBurst(sandbox, { tasks }) {
  const project = sandbox.project('burst');
  const config = join(sandbox.base, 'burst-config.yaml');
  writeFileSync(
    config,
    [
      'default: instant',
      `max_parallel: ${MAX_PARALLEL}`,
      'backends:',
      '  instant: { command: "true", type: generic }',
      'models:',
      '  instant: { backend: instant }',
      '',
    ].join('\n'),
  );
  const plan = join(project, 'burst-plan.md');
  writeFileSync(plan, planText(tasks));
  const env = { DISPATCH_CONFIG: config };

  const run = await sandbox.cli(project, ['run', '--plan-file', plan, '--json'], env).done;
  if (run.code !== 0) throw new Error(`dispatch run exited ${run.code}: ${run.stderr.trim()}`);
  const ids = /** @type {Array<{ id: string }>} */ (JSON.parse(run.stdout)).map((t) => t.id);
  if (ids.length !== tasks) throw new Error(`the plan fanned out into ${ids.length} tasks`);

  const histories = await until(
    `all ${tasks} workers to exit`,
    () => {
      const all = ids.map((id) => readEvents(project, id));
      return all.every((events) => events.some((e) => e.type === 'exited')) ? all : undefined;
    },
    300_000,
    250,
  );
  const spawnedCounts = histories.map(
    (events) => events.filter((e) => e.type === 'spawned').length,
  );
  const twice = spawnedCounts.filter((n) => n !== 1).length;
  if (twice > 0) throw new Error(`${twice} tasks did not start exactly once`);
  const spans = histories.map((events) => {
    const time = (type) => Date.parse(events.find((e) => e.type === type)?.time ?? '');
    return [time('spawned'), time('exited')];
  });
  const starts = spans.map(([start]) => start).sort((a, b) => a - b);
  const startSpanS = ((starts.at(-1) ?? 0) - (starts[0] ?? 0)) / 1000;
  const perSecond = startSpanS > 0 ? tasks / startSpanS : tasks;
  const peak = peakParallel(spans);
  if (peak > MAX_PARALLEL) throw new Error(`${peak} workers ran at once, over ${MAX_PARALLEL}`);
  const supervisor = supervisorPid(project);
  await sleep(1000); // the supervisor has seen the last exits and dropped their watches
  const watches = supervisor === undefined ? 0 : inotifyWatches(supervisor);

  const n = `${tasks} tasks`;
  return [
    {
      name: `fan-out of ${n}: dispatch run returns`,
      unit: 'ms',
      stat: 'once',
      ours: describe([run.ms]),
      baseline: null,
      target: '≤ 3000 ms',
      pass: run.ms <= 3000,
      details: { tasks, maxParallel: MAX_PARALLEL },
    },
    {
      name: `fan-out of ${n}: worker starts per second`,
      unit: 'starts/s',
      stat: 'total',
      ours: describe([round(perSecond, 1)]),
      baseline: null,
      target: `≥ 100, each once, ≤ ${MAX_PARALLEL} at once`,
      pass: perSecond >= 100 && peak <= MAX_PARALLEL,
      details: { firstToLastStartS: round(startSpanS, 2), peakParallel: peak },
    },
    {
      name: `${n} finished: supervisor inotify watches`,
      unit: 'watches',
      stat: 'once',
      ours: describe([watches]),
      baseline: null,
      target: '≤ 16 (none per finished task)',
      pass: watches <= 16,
      details: { supervisorRunning: supervisor !== undefined },
    },
  ];
}
