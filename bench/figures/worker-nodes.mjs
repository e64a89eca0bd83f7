// Figure 8: worker nodes (docs/nodes.md), with a real Redis started on a free port and three real
// `dispatch node` processes, each with its own HOME, config and folder, on this machine. Skipped,
// with a note, when redis-server is not installed.
//   question → wait exits – a question file lands in the task folder on the node (temp file +
//               rename, T0) until `dispatch wait ID` where the user works exits (T1): the node
//               sends it up a Redis stream, the relay writes it into the local task folder, the
//               waiter's file watch fires. Baseline: the same on a local task, in the same run.
//   dispatch → worker on a node – from spawning `dispatch run --queue` to the `spawned` event in
//               the node's own copy of the task (both wall-clock times of this machine).
//               Baseline: the same for a task run here (`--no-queue`).
//   throughput – N short tasks (one `dispatch run --plan-file` fanning out into N) over 3 nodes
//               × 8 slots, against the same N run here; both under max_parallel 24 where the
//               user works (a relay per running node task). Each worker is `true`, so the figure
//               is the dispatcher's and the fleet's own cost: on a node a job also prepares a
//               worktree, commits and pushes the branch.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasRedisServer, startRedis } from '../lib/redis.mjs';
import { killGroup, now, sleep, start, waitForWatches } from '../lib/proc.mjs';
import {
  DISPATCH_BIN,
  NODE,
  dispatchHangingTask,
  readEvents,
  taskDir,
  until,
  workerPids,
  writeAtomic,
} from '../lib/sandbox.mjs';
import { describe, round } from '../lib/stats.mjs';

const NODES = 3;
const SLOTS = 8;
const SETTLE_MS = 50;

const MODELS = [
  'backends:',
  '  instant: { command: "true", type: generic }',
  'models:',
  '  instant: { backend: instant }',
];

function git(cwd, args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The user's project: a git repository whose `origin` is a bare repository in the sandbox. */
function userProject(sandbox) {
  const project = sandbox.project('nodes');
  const origin = join(sandbox.base, 'nodes-origin.git');
  mkdirSync(origin);
  git(origin, ['init', '--quiet', '--bare', '--initial-branch=main']);
  git(project, ['init', '--quiet', '--initial-branch=main']);
  writeFileSync(join(project, '.gitignore'), '.dispatch/\n');
  writeFileSync(join(project, 'README.md'), 'a project\n');
  const who = ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost'];
  git(project, ['add', '-A']);
  git(project, [...who, 'commit', '--quiet', '-m', 'start']);
  git(project, ['remote', 'add', 'origin', origin]);
  git(project, ['push', '--quiet', 'origin', 'main']);
  return project;
}

/** Starts one `dispatch node` with its own HOME and config, inside the sandbox. */
function startNode(sandbox, url, index) {
  const home = join(sandbox.base, `node-${index}-home`);
  const dir = join(sandbox.base, `node-${index}`);
  mkdirSync(join(home, '.dispatch'), { recursive: true });
  const config = join(home, '.dispatch', 'config.yaml');
  writeFileSync(config, ['default: sim', ...MODELS, ''].join('\n'));
  const env = {
    ...sandbox.env,
    HOME: home,
    DISPATCH_HOME: join(home, '.dispatch'),
    DISPATCH_CONFIG: config,
    GIT_AUTHOR_NAME: 'bench node',
    GIT_AUTHOR_EMAIL: 'node@localhost',
    GIT_COMMITTER_NAME: 'bench node',
    GIT_COMMITTER_EMAIL: 'node@localhost',
  };
  const args = ['node', '--queue', url, '--slots', String(SLOTS), '--dir', dir];
  start(NODE, [DISPATCH_BIN, ...args, '--id', `bench-node-${index}`], { cwd: home, env });
  return dir;
}

/** The folder of a task in a node's own root, once one of the nodes has it. */
async function nodeTaskDir(nodeDirs, id) {
  return until(
    `a node to take ${id}`,
    () =>
      nodeDirs
        .map((dir) => join(dir, 'worktrees', `${id}.1`, '.dispatch', 'tasks', id))
        .find((dir) => existsSync(join(dir, 'events.jsonl'))),
    60_000,
    20,
  );
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function spawnedAt(dir) {
  const line = readText(join(dir, 'events.jsonl'))
    .split('\n')
    .find((text) => text.includes('"type":"spawned"'));
  return line ? Date.parse(JSON.parse(line).time) : undefined;
}

/** Starts `dispatch wait ID`, waits until it is armed, fires, returns T1 − T0 in ms. */
async function waitLatency(sandbox, project, id, fire) {
  const { child, done } = sandbox.cli(project, ['wait', id]);
  await waitForWatches(/** @type {number} */ (child.pid), 3);
  await sleep(SETTLE_MS);
  if (child.exitCode !== null) throw new Error(`dispatch wait ${id} exited before the question`);
  const t0 = now();
  fire();
  const run = await done;
  if (!run.stdout.includes('question 001'))
    throw new Error(`dispatch wait ${id}: exit ${run.code}, output ${run.stdout}${run.stderr}`);
  return run.exitAt - t0;
}

/** A question on a node: the task hangs there, the harness writes the question file there. */
async function nodeQuestion(sandbox, project, nodeDirs, id) {
  await sandbox.cliOk(project, ['run', '--model', 'sim', '--id', id, '--item', 'hang']);
  const remote = await nodeTaskDir(nodeDirs, id);
  await until(`${id} to hang on its node`, () =>
    readText(join(remote, 'worker.log')).includes('[sim] hanging'),
  );
  mkdirSync(join(remote, 'ipc'), { recursive: true });
  const ms = await waitLatency(sandbox, project, id, () =>
    writeAtomic(join(remote, 'ipc', '001.question'), 'Which database?\n'),
  );
  await sandbox.cliOk(project, ['cancel', id]);
  return ms;
}

/** Dispatch → the worker started, on a node (`queue`) or here. */
async function startLatency(sandbox, project, nodeDirs, id, queue) {
  const t0 = Date.now();
  await sandbox.cliOk(project, [
    'run',
    ...(queue ? [] : ['--no-queue']),
    '--model',
    'sim',
    '--id',
    id,
    '--item',
    'hang',
  ]);
  const dir = queue ? await nodeTaskDir(nodeDirs, id) : taskDir(project, id);
  const spawned = await until(`${id}'s worker to start`, () => spawnedAt(dir), 60_000, 20);
  if (queue) await sandbox.cliOk(project, ['cancel', id]);
  else for (const pid of workerPids(project, id)) killGroup(pid);
  return spawned - t0;
}

/** N tasks of one `dispatch run`; returns tasks per second, dispatch to the last exit. */
async function throughput(sandbox, project, tasks, queue, label) {
  const plan = join(sandbox.base, `${label}-plan.md`);
  const sections = Array.from(
    { length: tasks },
    (_, i) => `# ${label} task ${String(i).padStart(4, '0')}\n\n- [ ] step one\n`,
  );
  writeFileSync(plan, sections.join('\n'));
  const t0 = Date.now();
  const args = ['run', ...(queue ? [] : ['--no-queue']), '--model', 'instant', '--json'];
  const run = await sandbox.cli(project, [...args, '--plan-file', plan]).done;
  if (run.code !== 0) throw new Error(`dispatch run exited ${run.code}: ${run.stderr.trim()}`);
  const ids = /** @type {Array<{ id: string }>} */ (JSON.parse(run.stdout)).map((t) => t.id);
  if (ids.length !== tasks) throw new Error(`the plan fanned out into ${ids.length} tasks`);
  let last = 0;
  await until(
    `all ${tasks} ${label} tasks to end`,
    () => {
      let latest = 0;
      for (const id of ids) {
        const exited = readEvents(project, id).find(
          (e) => e.type === 'exited' || e.type === 'node-lost',
        );
        if (!exited) return undefined;
        latest = Math.max(latest, Date.parse(exited.time));
      }
      last = latest;
      return true;
    },
    Math.max(300_000, tasks * 2_000),
    500,
  );
  return { perSecond: round(tasks / ((last - t0) / 1000), 1), seconds: (last - t0) / 1000 };
}

/** @param {{ reps: number, tasks: number, note: (m: string) => void }} options */
export async function workerNodes(sandbox, { reps, tasks, note }) {
  if (!hasRedisServer()) {
    note(
      'figure 8 (worker nodes) skipped: redis-server is not installed (apt-get install redis-server)',
    );
    return [];
  }
  const { url } = await startRedis(sandbox.base);
  const project = userProject(sandbox);
  const config = join(sandbox.base, 'nodes-user-config.yaml');
  writeFileSync(
    config,
    ['default: sim', `queue: ${url}`, `max_parallel: ${NODES * SLOTS}`, ...MODELS, ''].join('\n'),
  );
  const env = { DISPATCH_CONFIG: config };
  const cli = sandbox.cli.bind(sandbox);
  // Every command of this figure reads the user's config with the queue.
  sandbox.cli = (dir, args, extra = {}) => cli(dir, args, { ...env, ...extra });
  try {
    const nodeDirs = Array.from({ length: NODES }, (_, i) => startNode(sandbox, url, i + 1));
    await until(
      `${NODES} nodes`,
      () => {
        try {
          const listed = execFileSync(NODE, [DISPATCH_BIN, 'nodes', '--queue', url, '--json'], {
            cwd: project,
            env: { ...sandbox.env, ...env },
            encoding: 'utf8',
          });
          return JSON.parse(listed).length === NODES;
        } catch {
          return false;
        }
      },
      60_000,
      200,
    );

    const questions = { node: [], local: [] };
    const starts = { node: [], local: [] };
    // One unmeasured round first: it starts the supervisor, the nodes fetch the repository.
    for (let rep = 0; rep <= reps; rep++) {
      const node = await nodeQuestion(sandbox, project, nodeDirs, `node-question-${rep}`);
      const localId = `local-question-${rep}`;
      // Here, not on the queue the user's config names: the baseline is a local task.
      await dispatchHangingTask(sandbox, project, localId, ['--no-queue']);
      const local = await waitLatency(sandbox, project, localId, () =>
        writeAtomic(join(taskDir(project, localId), 'ipc', '001.question'), 'Which database?\n'),
      );
      for (const pid of workerPids(project, localId)) killGroup(pid);
      const nodeStart = await startLatency(sandbox, project, nodeDirs, `node-start-${rep}`, true);
      const localStart = await startLatency(
        sandbox,
        project,
        nodeDirs,
        `local-start-${rep}`,
        false,
      );
      if (rep === 0) continue;
      questions.node.push(node);
      questions.local.push(local);
      starts.node.push(nodeStart);
      starts.local.push(localStart);
    }
    const onNodes = await throughput(sandbox, project, tasks, true, 'fleet');
    const here = await throughput(sandbox, project, tasks, false, 'here');
    note(
      `figure 8: ${tasks} tasks took ${round(onNodes.seconds, 1)} s over ${NODES} nodes × ${SLOTS} slots and ${round(here.seconds, 1)} s here (all on this machine)`,
    );

    const figures = [];
    for (const p of [50, 99]) {
      const ours = describe(questions.node, p);
      const base = describe(questions.local, p);
      figures.push({
        name: 'question on a node → wait exits',
        unit: 'ms',
        stat: `p${p}`,
        ours,
        baseline: base,
        baselineLabel: 'local task',
        target: 'within 2x the local figure',
        pass: ours.value <= 2 * base.value,
      });
    }
    const nodeStart = describe(starts.node, 50);
    figures.push({
      name: 'dispatch → worker started on a node',
      unit: 'ms',
      stat: 'p50',
      ours: nodeStart,
      baseline: describe(starts.local, 50),
      baselineLabel: 'local task',
      target: 'p50 < 1000 ms',
      pass: nodeStart.value < 1000,
    });
    const one = (value) => ({ value, min: value, max: value, n: tasks });
    figures.push({
      name: `throughput, ${tasks} short tasks`,
      unit: 'tasks/s',
      stat: 'total',
      ours: one(onNodes.perSecond),
      baseline: one(here.perSecond),
      baselineLabel: `one machine, ${NODES * SLOTS} slots`,
      target: 'recorded (the nodes share this machine)',
      pass: true,
    });
    return figures;
  } finally {
    sandbox.cli = cli;
  }
}
