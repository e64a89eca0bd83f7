// `npm run bench [-- --quick] [-- --only=1,3]`: measures dispatch against the original design
// (see docs/benchmarks.md), prints a table and writes bench/results.json. Timings never change
// the exit status: it is non-zero only when the harness itself breaks.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispatchLatency } from './figures/dispatch-latency.mjs';
import { fanOutBurst } from './figures/fan-out-burst.mjs';
import { idleCost } from './figures/idle-cost.mjs';
import { manyWaiting } from './figures/many-waiting.mjs';
import { notificationLatency } from './figures/notification-latency.mjs';
import { roundTrip } from './figures/round-trip.mjs';
import { statusScale } from './figures/status-scale.mjs';
import { workerNodes } from './figures/worker-nodes.mjs';
import { load, machine, table } from './lib/report.mjs';
import { Sandbox } from './lib/sandbox.mjs';
import { round } from './lib/stats.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const SIZES = quick
  ? {
      reps: 5,
      notifyReps: 5,
      idleTasks: 20,
      windowMs: 3_000,
      settleMs: 1_500,
      folders: 1_000,
      statusReps: 3,
      burst: 100,
      waiting: 50,
      nodeReps: 2,
      nodeTasks: 12,
    }
  : {
      reps: 20,
      notifyReps: 30,
      idleTasks: 200,
      windowMs: 30_000,
      settleMs: 3_000,
      folders: 10_000,
      statusReps: 7,
      burst: 1_000,
      waiting: 1_000,
      nodeReps: 30,
      nodeTasks: 1_000,
    };

/** @type {Array<[string, string, (s: Sandbox, note: (m: string) => void) => Promise<any[]>]>} */
const FIGURES = [
  ['1', 'dispatch latency', (s) => dispatchLatency(s, { reps: SIZES.reps })],
  ['2', 'notification latency', (s) => notificationLatency(s, { reps: SIZES.notifyReps })],
  [
    '3',
    'idle cost',
    (s, note) =>
      idleCost(s, {
        tasks: SIZES.idleTasks,
        windowMs: SIZES.windowMs,
        settleMs: SIZES.settleMs,
        note,
      }),
  ],
  [
    '4',
    'status at scale',
    (s) => statusScale(s, { folders: SIZES.folders, reps: SIZES.statusReps }),
  ],
  ['5', 'question round trip', (s) => roundTrip(s, { reps: SIZES.reps })],
  ['6', 'fan-out burst', (s) => fanOutBurst(s, { tasks: SIZES.burst })],
  [
    '7',
    'many waiting',
    (s) =>
      manyWaiting(s, {
        tasks: SIZES.waiting,
        reps: SIZES.notifyReps,
        windowMs: SIZES.windowMs,
        settleMs: SIZES.settleMs,
      }),
  ],
  [
    '8',
    'worker nodes',
    (s, note) => workerNodes(s, { reps: SIZES.nodeReps, tasks: SIZES.nodeTasks, note }),
  ],
];

const sandbox = new Sandbox();
const cleanUp = () => sandbox.close();
process.on('exit', cleanUp); // also after an unexpected crash of the harness
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

const info = machine();
const loadBefore = load();
const started = Date.now();
console.log(
  `dispatch benchmarks${quick ? ' (quick)' : ''} — ${info.cpu}, ${info.cores} cores, ${info.memoryGiB} GiB, node ${info.node}`,
);
console.log(
  `load average ${loadBefore.one} ${loadBefore.five} ${loadBefore.fifteen}${loadBefore.busy ? ' (machine busy: timings inflated)' : ''}`,
);

const figures = [];
const notes = [];
const errors = [];
for (const [key, title, run] of FIGURES) {
  if (only && !only.includes(key)) continue;
  const t0 = Date.now();
  process.stdout.write(`${key}. ${title}… `);
  try {
    const out = await run(sandbox, (message) => notes.push(message));
    for (const f of out) {
      f.ratio = f.baseline ? round(f.ours.value / f.baseline.value, 4) : null;
      figures.push({ figure: Number(key), ...f });
    }
    console.log(`${round((Date.now() - t0) / 1000, 1)} s`);
  } catch (error) {
    errors.push({ figure: key, error: error instanceof Error ? error.stack : String(error) });
    console.log(`FAILED: ${error instanceof Error ? error.message : error}`);
  }
}
cleanUp();

const loadAfter = load();
const results = {
  date: new Date(started).toISOString(),
  quick,
  seconds: round((Date.now() - started) / 1000, 1),
  machine: info,
  load: { before: loadBefore, after: loadAfter },
  preliminary: loadBefore.busy || loadAfter.busy,
  ratio: 'ours / baseline (below 1: ours is faster or smaller)',
  figures,
  notes,
  errors,
};
writeFileSync(
  fileURLToPath(new URL('./results.json', import.meta.url)),
  `${JSON.stringify(results, null, 2)}\n`,
);
console.log(`\n${table(figures)}\n`);
for (const note of notes) console.log(`note: ${note}`);
console.log(
  `load average after ${loadAfter.one} ${loadAfter.five} ${loadAfter.fifteen}; ${results.seconds} s; written to bench/results.json`,
);
if (errors.length > 0) {
  for (const { figure, error } of errors) console.error(`figure ${figure} failed:\n${error}`);
  process.exitCode = 1;
}
