// Figure 4: `dispatch status --json`, `dispatch list` and `dispatch wait` over N finished task
// folders written straight to disk. The files are copied from a real task that `dispatch run` made
// in the same run (task.json, prompt.md, worker.log, output.md, events.jsonl), so the format is exactly the
// current one; only ids, times and outcomes vary: 80% done (a fifth of them after a
// question and answer), 15% failed, 5% blocked on a question their dead worker left.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, killGroup } from '../lib/proc.mjs';
import { readEvents, stopSupervisor, supervisorPid, taskDir, until } from '../lib/sandbox.mjs';
import { describe } from '../lib/stats.mjs';
import { signTask } from '../../dist/runtime/trust/task-trust.js';

const TEMPLATE = 'template-task';

/** Makes one real task and returns its files as templates. */
async function realTemplate(sandbox, project) {
  await sandbox.cliOk(project, [
    'run',
    '--model',
    'sim',
    '--id',
    TEMPLATE,
    '--item',
    'Review the code',
    '--item',
    'Write the summary',
  ]);
  await until('the template task to finish', () =>
    readEvents(project, TEMPLATE).some((e) => e.type === 'exited'),
  );
  const dir = taskDir(project, TEMPLATE);
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  const template = {
    meta: JSON.parse(read('task.json')),
    prompt: read('prompt.md'),
    log: read('worker.log'),
    output: read('output.md'),
    spawned: readEvents(project, TEMPLATE).find((e) => e.type === 'spawned'),
  };
  await stopSupervisor(project);
  if (isRunning(template.spawned.pid)) killGroup(template.spawned.pid);
  rmSync(dir, { recursive: true, force: true });
  return template;
}

/** What the i-th task is: 5% blocked on a question, 15% failed, the rest done. */
const kindOf = (i) => (i % 20 === 7 ? 'blocked' : i % 20 < 3 ? 'failed' : 'done');

function writeTask(project, template, i, env) {
  const id = `task-${String(i).padStart(5, '0')}`;
  const dir = taskDir(project, id);
  const kind = kindOf(i);
  const asked = kind === 'blocked' || i % 5 === 1;
  const t = (offsetMs) => new Date(Date.UTC(2026, 0, 1) + i * 60_000 + offsetMs).toISOString();
  const items = ['Read the request', 'Review the code', 'Write the summary'];
  const marks = items.map((text, k) => {
    if (kind === 'failed' && k === 1)
      return `- [!] ${text}\n  Error: no access to the test database`;
    if (kind === 'blocked' && k === 1) return `- [?] ${text}\n  Which database should it use?`;
    if (kind !== 'done' && k === 2) return `- [ ] ${text}`;
    return `- [x] ${text}`;
  });
  const events = [
    { type: 'created', time: t(0) },
    { type: 'queued', time: t(0) },
    { ...template.spawned, time: t(30) },
    ...(asked ? [{ type: 'question', time: t(5000), seq: 1 }] : []),
    ...(asked && kind !== 'blocked'
      ? [
          { type: 'answered', time: t(20_000), seq: 1, by: 'cli', preview: 'Postgres' },
          { type: 'acknowledged', time: t(20_300), seq: 1 },
        ]
      : []),
    { type: 'exited', time: t(40_000), attempt: 1, code: kind === 'failed' ? 1 : 0 },
    kind === 'failed'
      ? { type: 'failed', time: t(40_100), reason: 'error on item 2' }
      : { type: 'completed', time: t(40_100) },
  ];
  mkdirSync(join(dir, 'ipc'), { recursive: true, mode: 0o700 });
  // Signed with the sandbox user's key, as `dispatch run` would: an unsigned task is not the
  // user's, and is shown (and costs) differently.
  const meta = signTask({ ...template.meta, id, title: `Task ${i}`, createdAt: t(0) }, env);
  writeFileSync(join(dir, 'task.json'), `${JSON.stringify(meta, null, 2)}\n`);
  writeFileSync(join(dir, 'plan.md'), `# Task ${i}\n\n${marks.join('\n')}\n`);
  writeFileSync(join(dir, 'prompt.md'), template.prompt.replaceAll(TEMPLATE, id));
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  writeFileSync(join(dir, 'worker.log'), template.log);
  if (kind !== 'blocked') writeFileSync(join(dir, 'output.md'), template.output);
  if (kind === 'blocked') writeFileSync(join(dir, 'context.md'), 'Waiting on the database.\n');
  if (asked) writeFileSync(join(dir, 'ipc', '001.question'), 'Which database should it use?\n');
  if (asked && kind !== 'blocked') {
    writeFileSync(join(dir, 'ipc', '001.answer'), 'Postgres\n');
    writeFileSync(join(dir, 'ipc', '001.done'), '');
  }
  if (kind === 'done') writeFileSync(join(dir, 'ipc', '.done'), '');
}

export async function statusScale(sandbox, { folders, reps }) {
  const project = sandbox.project('status');
  const template = await realTemplate(sandbox, project);
  for (let i = 0; i < folders; i++) writeTask(project, template, i, sandbox.env);

  // `wait` with no ids reads every task too: here it answers at once with the blocked ones.
  const commands = {
    status: ['status', '--json'],
    list: ['list'],
    wait: ['wait', '--json', '--timeout', '60'],
  };
  const blocked = Array.from({ length: folders }, (_, i) => kindOf(i)).filter(
    (kind) => kind === 'blocked',
  ).length;
  const times = { status: [], list: [], wait: [] };
  // `node -e 0` runs alternately with the commands, so load drift hits both alike.
  const floor = [];
  for (let rep = 0; rep <= reps; rep++) {
    const base = await sandbox.nodeFloor();
    if (rep > 0) floor.push(base.ms);
    for (const [key, args] of Object.entries(commands)) {
      const run = await sandbox.cliOk(project, args);
      // `list` prints a header line above the tasks.
      const shown =
        key === 'status'
          ? JSON.parse(run.stdout).length
          : key === 'wait'
            ? JSON.parse(run.stdout).tasks.length
            : run.stdout.trim().split('\n').length - 1;
      const expected = key === 'wait' ? blocked : folders;
      if (shown !== expected)
        throw new Error(`dispatch ${args.join(' ')} showed ${shown} of ${expected}`);
      // The first round warms the page cache and is not counted.
      if (rep > 0) times[key].push(run.ms);
    }
  }
  if (supervisorPid(project) !== undefined) throw new Error('finished tasks started a supervisor');
  const n = folders.toLocaleString('en-US');
  const baseline = describe(floor);
  return Object.entries(commands).map(([key, args]) => {
    const ours = describe(times[key]);
    return {
      name: `dispatch ${args.join(' ')}, ${n} tasks`,
      unit: 'ms',
      stat: 'median',
      ours,
      baseline,
      baselineLabel: 'node -e 0',
      target: '≤ 1.5x baseline',
      pass: ours.value <= 1.5 * baseline.value,
    };
  });
}
