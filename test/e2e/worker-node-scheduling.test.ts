import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFleet } from '../helpers/node-fleet.js';
import { waitForCondition } from '../helpers/wait-for.js';

/**
 * Scheduling over a fleet of three real nodes: routing by capability and by alias, `--after` and
 * `max_parallel` held where the user works, and the nodes' `fleet_limits` (BullMQ's global
 * concurrency and rate limit, kept in Redis for the whole fleet). The user's config names the
 * queue (`queue:`), so no command here passes `--queue`.
 */

const MODELS = [
  'backends:',
  '  scripted: { command: dispatch-sim, type: sim }',
  'models:',
  '  plain: { backend: scripted }',
  '  limited: { backend: scripted }',
  '  rated: { backend: scripted }',
];
/** Every node of the fleet carries the same limits. */
const FLEET_LIMITS = [
  'fleet_limits:',
  '  limited: { max_parallel: 1 }',
  '  rated: { rate_limit: 2/2s }',
];
/** Only the first node has the alias `fast`, which also declares the capability `review`. */
const FIRST_NODE = [
  'default: sim',
  ...MODELS,
  'aliases:',
  '  fast: { model: plain, capabilities: [review] }',
  ...FLEET_LIMITS,
].join('\n');
const OTHER_NODE = ['default: sim', ...MODELS, ...FLEET_LIMITS].join('\n');

const fleet = new NodeFleet();

function userConfig(extra: string[] = []): string {
  return [
    'default: sim',
    `queue: ${fleet.redis.url}`,
    ...MODELS,
    'aliases:',
    '  fast: { model: plain }',
    ...extra,
  ].join('\n');
}

/** The time of a task's first event of this type. */
function eventTime(id: string, type: string): number {
  const event = fleet.user.events(id).find((e) => e.type === type);
  if (!event)
    throw new Error(`${id} has no ${type} event:\n${fleet.user.read(id, 'events.jsonl')}`);
  return Date.parse(String(event.time));
}

/**
 * When the user's side learned that a task was done: its completion marker, mirrored from the
 * node. The supervisor records the 'completed' event a moment later, and a scheduler pass in
 * between may already start what waited for it, so that event's time proves nothing.
 */
function doneTime(id: string): number {
  return Math.floor(statSync(join(fleet.user.taskDir(id), 'ipc', '.done')).mtimeMs);
}

/**
 * Several tasks of one model dispatched by one command (a plan of `# ` sections): their jobs
 * reach the queue together, so only a limit can keep them apart.
 */
async function fanOut(model: string, count: number, items: string[]): Promise<string[]> {
  const sections = Array.from({ length: count }, (_, i) =>
    [`# ${model} part ${i + 1}`, ...items.map((item) => `- [ ] ${item}`)].join('\n'),
  );
  const file = join(fleet.user.dir, `${model}-plan.md`);
  writeFileSync(file, `${sections.join('\n\n')}\n`);
  const result = await fleet.user.cli(['run', '--json', '--model', model, '--plan-file', file]);
  if (result.code !== 0) throw new Error(result.stderr);
  const tasks = JSON.parse(result.stdout) as { id: string }[];
  expect(tasks).toHaveLength(count);
  return tasks.map((task) => task.id);
}

beforeAll(async () => {
  await fleet.start();
  fleet.user.writeConfig(userConfig());
  fleet.startNode(1, FIRST_NODE);
  fleet.startNode(2, OTHER_NODE, { capabilities: ['research'] });
  fleet.startNode(3, OTHER_NODE);
  await fleet.waitForNodes(3);
}, 60_000);

afterAll(() => fleet.stop());

describe('scheduling over worker nodes', () => {
  it('takes the queue from `queue:` in the config, and --no-queue runs the task here', async () => {
    const queued = await fleet.user.run(['--item', 'done']);
    const meta = JSON.parse(fleet.user.read(queued.id, 'task.json'));
    expect(meta.queue.url).toBe(fleet.redis.url);
    const here = await fleet.user.run(['--no-queue', '--item', 'done']);
    expect(JSON.parse(fleet.user.read(here.id, 'task.json')).queue).toBeUndefined();
    await fleet.user.waitForDone([queued.id, here.id]);
    expect(await fleet.nodeIdOf(queued.id)).toMatch(/^test-node-\d$/);
    expect(fleet.user.read(here.id, 'worker.log')).not.toContain('running on node');
  }, 90_000);

  it('routes a capability to the nodes that offer it: by --capability or by an alias that declares it', async () => {
    const research = [];
    const review = [];
    for (let i = 0; i < 3; i++) {
      research.push(await fleet.user.run(['--capability', 'research', '--item', 'done']));
      review.push(await fleet.user.run(['--capability', 'review', '--item', 'done']));
    }
    // Three tasks on one node of two slots each: allow for a busy machine.
    await fleet.user.waitForDone(
      [...research, ...review].map((task) => task.id),
      150_000,
    );
    for (const task of research) expect(await fleet.nodeIdOf(task.id)).toBe('test-node-2');
    for (const task of review) expect(await fleet.nodeIdOf(task.id)).toBe('test-node-1');
    // The job named the capability, not a model: the node chose its own alias for it.
    const job = await fleet.finishedJob('capability-review', `${review[0]!.id}.1`);
    expect(job.data.capability).toBe('review');
  }, 200_000);

  it('routes an alias by its name to the nodes whose config has it', async () => {
    const tasks = [];
    for (let i = 0; i < 4; i++)
      tasks.push(await fleet.user.run(['--model', 'fast', '--item', 'done']));
    await fleet.user.waitForDone(
      tasks.map((task) => task.id),
      150_000,
    );
    for (const task of tasks) expect(await fleet.nodeIdOf(task.id)).toBe('test-node-1');
  }, 200_000);

  it('warns when no node offers what a task asks for, and its status says why it waits', async () => {
    const run = await fleet.user.cli([
      'run',
      '--json',
      '--capability',
      'translation',
      '--item',
      'done',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    expect(run.stderr).toContain(
      `dispatch: warning: ${id} waits on the queue: no node offers capability translation`,
    );
    expect(run.stderr).toMatch(/the nodes offer models .*plain.*; capabilities .*research/);
    // The relay says it too, in the history the status reads.
    const reason = await waitForCondition(
      fleet.user.taskDir(id),
      () => fleet.user.events(id).find((event) => event.type === 'node-wait')?.reason,
      30_000,
      () => fleet.user.read(id, 'events.jsonl'),
    );
    expect(String(reason)).toContain('no node offers capability translation');
    const status = await fleet.user.status(id);
    expect(status.state).toBe('running');
    expect(status.reason).toContain('waiting for a node: no node offers capability translation');
    const shown = await fleet.user.cli(['status', id]);
    expect(shown.stdout).toContain('waiting for a node: no node offers capability translation');
    // A task some node offers is dispatched without a warning.
    const routed = await fleet.user.cli([
      'run',
      '--json',
      '--capability',
      'research',
      '--item',
      'done',
    ]);
    expect(routed.stderr).not.toContain('warning');
    const cancelled = await fleet.user.cli(['cancel', id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    await fleet.user.waitForDone([(JSON.parse(routed.stdout) as { id: string }).id]);
  }, 90_000);

  it('holds --after across nodes: the dependent task starts only when the first has ended', async () => {
    // Long enough to be still running when its node is known, on a busy machine too.
    const first = await fleet.user.run(['--item', 'sleep: 6', '--item', 'done']);
    const second = await fleet.user.run(['--after', first.id, '--item', 'done']);
    expect(second.state).toBe('queued');
    await fleet.nodeIdOf(first.id);
    expect((await fleet.user.status(second.id)).state).toBe('queued');
    await fleet.user.waitForDone([first.id, second.id]);
    // Done, as for a local task, is the worker's completion marker (the node's exit follows).
    expect(eventTime(second.id, 'spawned')).toBeGreaterThanOrEqual(doneTime(first.id));
    expect(await fleet.nodeIdOf(second.id)).toMatch(/^test-node-\d$/);
  }, 90_000);

  it('holds max_parallel where the user works: a second task waits for the first node task', async () => {
    fleet.user.writeConfig(userConfig(['max_parallel: 1']));
    try {
      const first = await fleet.user.run(['--item', 'sleep: 4', '--item', 'done']);
      const second = await fleet.user.run(['--item', 'done']);
      expect(second.state).toBe('queued');
      await fleet.user.waitForDone([first.id, second.id]);
      // Done, as for a local task, is the worker's completion marker (the node's exit follows).
      expect(eventTime(second.id, 'spawned')).toBeGreaterThanOrEqual(doneTime(first.id));
    } finally {
      fleet.user.writeConfig(userConfig());
    }
  }, 90_000);

  it('holds max_node_tasks where the user works: a fan-out starts one relay per free slot', async () => {
    fleet.user.writeConfig(userConfig(['max_node_tasks: 1']));
    try {
      const ids = await fanOut('plain', 3, ['sleep: 2', 'done']);
      const states = await Promise.all(ids.map(async (id) => (await fleet.user.status(id)).state));
      expect(states.filter((state) => state === 'queued').length).toBeGreaterThanOrEqual(2);
      await fleet.user.waitForDone(ids, 90_000);
      const runs = ids
        .map((id) => ({ start: eventTime(id, 'spawned'), done: doneTime(id) }))
        .sort((a, b) => a.start - b.start);
      // Each relay started only once the one before it was done: never two at once.
      for (let i = 1; i < runs.length; i++)
        expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.done);
    } finally {
      fleet.user.writeConfig(userConfig());
    }
  }, 90_000);

  it("holds a fleet limit's max_parallel over all three nodes", async () => {
    const ids = await fanOut('limited', 3, ['sleep: 2', 'done']);
    await fleet.user.waitForDone(ids, 90_000);
    const runs = [];
    for (const id of ids) {
      const job = await fleet.finishedJob('model-limited', `${id}.1`);
      runs.push({ start: job.processedOn!, end: job.finishedOn! });
    }
    runs.sort((a, b) => a.start - b.start);
    // One at a time: each job started only after the one before it had finished.
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]!.start).toBeGreaterThanOrEqual(runs[i - 1]!.end);
  }, 120_000);

  it("spaces job starts by a fleet limit's rate (2 per 2 s), though six slots are free", async () => {
    const ids = await fanOut('rated', 4, ['done']);
    await fleet.user.waitForDone(ids, 90_000);
    const starts = [];
    for (const id of ids)
      starts.push((await fleet.finishedJob('model-rated', `${id}.1`)).processedOn!);
    starts.sort((a, b) => a - b);
    // BullMQ's window opens with the first start: the third waits for it to close.
    expect(starts[2]! - starts[0]!).toBeGreaterThanOrEqual(1800);
  }, 120_000);
});
