// Figure 5: a question's round trip without the human. The "worker" is
// `DISPATCH_TASK_DIR=<task> dispatch ask "…"` on a task whose real simulated worker hangs. The
// harness watches ipc/ (fs.watch): the moment NNN.question appears (Tq) it runs
// `dispatch answer ID TEXT` — a human who answers instantly — and the moment NNN.answer appears
// (Ta) it notes that too. T1 is `dispatch ask` exiting, having printed the answer.
//   total        = T1 − Tq: the answer CLI's whole run (Node startup included) + the hand-over;
//   after answer = T1 − Ta: `ask` noticing the file, acknowledging (NNN.done) and exiting.
// `node -e 0` runs alternately with it: the target for the total is a ratio to a bare Node start.
// Apart: `ask`'s own start until its question lands (a worker runs it often), against the same
// `node -e 0`.
import { watch } from 'node:fs';
import { join } from 'node:path';
import { killGroup, now } from '../lib/proc.mjs';
import { dispatchHangingTask, taskDir, workerPids } from '../lib/sandbox.mjs';
import { describe } from '../lib/stats.mjs';

const ID = 'round-trip';

async function once(sandbox, project, seq) {
  const ipc = join(taskDir(project, ID), 'ipc');
  const name = String(seq).padStart(3, '0');
  const answerText = `answer ${seq}`;
  const marks = { question: 0, answer: 0 };
  let answering;
  const watcher = watch(ipc, (_event, file) => {
    if (file === `${name}.question` && !marks.question) {
      marks.question = now();
      answering = sandbox.cliOk(project, ['answer', ID, answerText]).catch((error) => error);
    }
    if (file === `${name}.answer` && !marks.answer) marks.answer = now();
  });
  const t0 = now();
  const ask = sandbox.cli(project, ['ask', `Question ${seq}?`, '--timeout', '30'], {
    DISPATCH_TASK_DIR: taskDir(project, ID),
  });
  const run = await ask.done;
  watcher.close();
  const answered = await answering;
  if (answered instanceof Error) throw answered;
  if (run.code !== 0 || run.stdout.trim() !== answerText)
    throw new Error(`dispatch ask: exit ${run.code}, printed ${run.stdout}${run.stderr}`);
  if (!marks.question || !marks.answer) throw new Error('the question or answer file was not seen');
  return {
    total: run.exitAt - marks.question,
    afterAnswer: run.exitAt - marks.answer,
    askStartup: marks.question - t0,
  };
}

export async function roundTrip(sandbox, { reps }) {
  const project = sandbox.project('round-trip');
  await dispatchHangingTask(sandbox, project, ID);
  const results = [];
  const floor = [];
  // Question 1 is a warm-up and not counted.
  for (let seq = 1; seq <= reps + 1; seq++) {
    const base = await sandbox.nodeFloor();
    const one = await once(sandbox, project, seq);
    if (seq > 1) {
      results.push(one);
      floor.push(base.ms);
    }
  }
  for (const pid of workerPids(project, ID)) killGroup(pid);
  const pick = (key) => describe(results.map((r) => r[key]));
  const b = describe(floor);
  return [
    {
      name: 'question round trip (answer CLI included)',
      unit: 'ms',
      stat: 'median',
      ours: pick('total'),
      baseline: b,
      baselineLabel: 'node -e 0',
      target: '≤ 1.3x baseline',
      pass: pick('total').value <= 1.3 * b.value,
    },
    {
      name: 'dispatch ask: start → question written',
      unit: 'ms',
      stat: 'median',
      ours: pick('askStartup'),
      baseline: b,
      baselineLabel: 'node -e 0',
      target: '≤ 1.3x baseline',
      pass: pick('askStartup').value <= 1.3 * b.value,
    },
    {
      name: 'question round trip, after the answer lands',
      unit: 'ms',
      stat: 'median',
      ours: pick('afterAnswer'),
      baseline: null,
      target: '< 100 ms',
      pass: pick('afterAnswer').value < 100,
    },
  ];
}
