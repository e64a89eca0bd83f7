// Figure 1: wall time of `dispatch run --model sim --item x`, from spawn() to its exit with the
// worker started, in a fresh project each time (so it also starts that project's supervisor, as
// a first dispatch does). `node -e 0` runs alternately with it, so load drift hits both alike.
import { readEvents, stopSupervisor, until } from '../lib/sandbox.mjs';
import { isRunning, killGroup } from '../lib/proc.mjs';
import { describe } from '../lib/stats.mjs';

/** @param {import('../lib/sandbox.mjs').Sandbox} sandbox @param {{ reps: number }} options */
export async function dispatchLatency(sandbox, { reps }) {
  const ours = [];
  const floor = [];
  for (let rep = 0; rep < reps + 1; rep++) {
    const base = await sandbox.nodeFloor();
    const project = sandbox.project(`run-${rep}`);
    const run = await sandbox.cliOk(project, ['run', '--model', 'sim', '--item', 'x']);
    const spawned = readEvents(project, 'x').find((e) => e.type === 'spawned');
    if (!spawned) throw new Error('dispatch run exited without a spawned event');
    // The first pair warms the page cache and is not counted.
    if (rep > 0) {
      ours.push(run.ms);
      floor.push(base.ms);
    }
    // Let this worker finish and stop this project's supervisor before the next run.
    await until('the worker to exit', () =>
      readEvents(project, 'x').some((e) => e.type === 'exited'),
    );
    if (isRunning(spawned.pid)) killGroup(spawned.pid);
    await stopSupervisor(project);
  }
  const o = describe(ours);
  const b = describe(floor);
  return [
    {
      name: 'dispatch run latency',
      unit: 'ms',
      stat: 'median',
      ours: o,
      baseline: b,
      baselineLabel: 'node -e 0',
      target: '< 200 ms and ≤ 1.3x baseline',
      pass: o.value < 200 && o.value <= 1.3 * b.value,
    },
  ];
}
