import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitIn, initRepo } from '../helpers/git-repo.js';
import { RedisServer } from '../helpers/redis-server.js';
import { CLI } from '../helpers/run-cli.js';
import { Sandbox } from '../helpers/sandbox.js';
import { waitForCondition, waitForFile } from '../helpers/wait-for.js';

/**
 * Short heartbeats and leases, so a lost node is noticed within seconds; not shorter, since a
 * busy test machine delays timers by a second or more (a live node must not be taken for lost).
 */
const NODE_TIMINGS = {
  DISPATCH_NODE_HEARTBEAT_MS: '1000',
  DISPATCH_NODE_LOCK_MS: '4000',
  DISPATCH_NODE_STALLED_MS: '1000',
};

interface RunningNode {
  id: string;
  box: Sandbox;
  dir: string;
  child: ChildProcess;
  stderr: () => string;
}

let redis: RedisServer;
let user: Sandbox;
let origin: string;
const nodes: RunningNode[] = [];

/** Starts `dispatch node` in its own folder, with its own HOME and config. */
function startNode(index: number, config = 'default: sim\n'): RunningNode {
  const box = new Sandbox(NODE_TIMINGS);
  box.writeConfig(config);
  const dir = join(box.dir, 'node');
  const id = `test-node-${index}`;
  const child = spawn(
    process.execPath,
    [
      CLI,
      'node',
      '--queue',
      redis.url,
      '--slots',
      '2',
      '--dir',
      dir,
      '--id',
      id,
      '--capability',
      'review',
    ],
    { cwd: box.project, env: box.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { id, box, dir, child, stderr: () => stderr };
}

/** Re-runs an async check until it returns a value (the state lives in Redis, not in files). */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The messages a node sent up for one attempt, straight from Redis. */
async function upMessages(
  id: string,
  attempt = 1,
): Promise<{ type: string; [key: string]: unknown }[]> {
  const connection = new Redis(redis.url);
  try {
    const entries = await connection.xrange(`dispatch:task:${id}:${attempt}:up`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}'));
  } finally {
    connection.disconnect();
  }
}

/** The node a task runs on, once the relay has said so in worker.log. */
async function nodeOf(id: string): Promise<RunningNode> {
  const log = await waitForFile(
    join(user.taskDir(id), 'worker.log'),
    (text) => /running on node (test-node-\d)/.test(text),
    30_000,
  );
  const nodeId = /running on node (test-node-\d)/.exec(log)?.[1];
  return nodes.find((node) => node.id === nodeId)!;
}

/** The job once it has failed, read after the failure so its reason is there. */
async function failedJob(queue: Queue, jobId: string): Promise<Job | undefined> {
  const job = await Job.fromId(queue, jobId);
  if (!job || (await job.getState()) !== 'failed') return undefined;
  return Job.fromId(queue, jobId);
}

async function nodesListed(): Promise<{ id: string; busy: number; models: string[] }[]> {
  const result = await user.cli(['nodes', '--queue', redis.url, '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  redis = await new RedisServer({ persist: true }).start();
  user = new Sandbox();
  user.writeConfig('default: sim\n');
  origin = join(user.dir, 'origin.git');
  mkdirSync(origin);
  gitIn(origin, ['init', '--quiet', '--bare', '--initial-branch=main']);
  initRepo(user.project, { 'README.md': 'a project\n' });
  gitIn(user.project, ['remote', 'add', 'origin', origin]);
  gitIn(user.project, ['push', '--quiet', 'origin', 'main']);
  for (let i = 1; i <= 3; i++) nodes.push(startNode(i));
  await until(
    async () => ((await nodesListed()).length === 3 ? true : undefined),
    20_000,
    'three nodes',
  );
}, 60_000);

afterAll(() => {
  for (const node of nodes) {
    node.child.kill('SIGKILL');
    node.box.cleanup();
  }
  user?.cleanup();
  redis?.stop();
});

describe('worker nodes', () => {
  it('lists the three nodes with their models and slots', async () => {
    const listed = await nodesListed();
    expect(listed.map((node) => node.id)).toEqual(['test-node-1', 'test-node-2', 'test-node-3']);
    for (const node of listed) expect(node.models).toContain('sim');
    const text = await user.cli(['nodes', '--queue', redis.url]);
    expect(text.stdout).toMatch(
      /test-node-2 {2}\d\/2 slots {2}models: sim {2}capabilities: review/,
    );
  });

  it('needs a redis:// or rediss:// queue URL, and says so', async () => {
    const none = await user.cli(['node']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('dispatch node needs --queue URL (or DISPATCH_QUEUE)');
    const http = await user.cli(['nodes', '--queue', 'http://queue-host']);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('must start with redis:// or rediss://');
    const run = await user.cli(['run', '--queue', 'redis://:hunter2@127.0.0.1:1', '--item', 'x']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('cannot reach the queue at redis://127.0.0.1:1');
    expect(run.stderr).not.toContain('hunter2');
    expect(user.taskIds().filter((id) => id === 'x')).toEqual([]);
  });

  it('runs a task on a node: the question, the answer and the end reach the local folder, the branch is pushed', async () => {
    const task = await user.run([
      '--queue',
      redis.url,
      '--item',
      'ask: Which database?',
      '--item',
      'write: result.txt = from a node',
    ]);
    const meta = JSON.parse(user.read(task.id, 'task.json'));
    expect(meta.queue).toEqual({
      url: redis.url,
      repository: origin,
      commit: gitIn(user.project, ['rev-parse', 'HEAD']).trim(),
    });

    const waited = await user.cli(['wait', task.id, '--json', '--timeout', '60'], {
      timeoutMs: 70_000,
    });
    const question = JSON.parse(waited.stdout).tasks[0];
    expect(question.state).toBe('waiting');
    expect(JSON.stringify(question)).toContain('Which database?');
    expect(existsSync(join(user.taskDir(task.id), 'ipc', '001.question'))).toBe(true);

    const answered = await user.cli(['answer', task.id, 'PostgreSQL']);
    expect(answered.code, answered.stderr).toBe(0);
    await user.waitForDone([task.id]);
    const done = await user.status(task.id);
    expect(done.state).toBe('done');
    // The node's completion marker came back, not just a checked-off plan.
    expect(done.reason).toBeNull();
    // The worker acknowledged the answer on the node, and that came back too.
    expect(existsSync(join(user.taskDir(task.id), 'ipc', '001.done'))).toBe(true);

    const log = await waitForFile(join(user.taskDir(task.id), 'worker.log'), (text) =>
      text.includes(`node pushed dispatch/${task.id}`),
    );
    expect(log).toMatch(/running on node test-node-\d/);
    expect(log).toContain('it committed what the worker left uncommitted');
    expect(gitIn(origin, ['show', `dispatch/${task.id}:result.txt`])).toBe('from a node\n');
    const message = gitIn(origin, ['log', '-1', '--format=%B', `dispatch/${task.id}`]);
    expect(message).toContain(`dispatch: commit the changes task ${task.id} left uncommitted`);
  }, 120_000);

  it('carries on through a Redis restart: the question, the answer and the end still arrive', async () => {
    const task = await user.run([
      '--queue',
      redis.url,
      '--item',
      'sleep: 1',
      '--item',
      'ask: Restarted?',
      '--item',
      'done',
    ]);
    await nodeOf(task.id);
    await redis.restart();
    const waited = await user.cli(['wait', task.id, '--json', '--timeout', '60'], {
      timeoutMs: 70_000,
    });
    expect(JSON.parse(waited.stdout).tasks[0].question.text).toContain('Restarted?');
    await redis.restart();
    const answered = await user.cli(['answer', task.id, 'yes']);
    expect(answered.code, answered.stderr).toBe(0);
    await user.waitForDone([task.id]);
    expect((await user.status(task.id)).state).toBe('done');
    expect(user.events(task.id).some((event) => event.type === 'node-lost')).toBe(false);
    expect((await nodesListed()).length).toBe(3);
  }, 90_000);

  it('resumes the task on its node when the answer comes after the worker there fell back', async () => {
    // A model only a fourth node offers, whose workers wait about a second for an answer.
    const patient = [
      'default: sim',
      'fallback_minutes: 0.02',
      'backends:',
      '  scripted: { command: dispatch-sim, type: sim }',
      'models:',
      '  patient: { backend: scripted }',
    ].join('\n');
    user.writeConfig(patient);
    const fourth = startNode(4, patient);
    nodes.push(fourth);
    try {
      const task = await user.run([
        '--queue',
        redis.url,
        '--model',
        'patient',
        '--item',
        'ask: Which port?',
        '--item',
        'done',
      ]);
      expect((await nodeOf(task.id)).id).toBe('test-node-4');
      await waitForFile(join(user.taskDir(task.id), 'worker.log'), (text) =>
        text.includes('no answer within'),
      );
      // Where the user works the question is still open: the task is waiting, not blocked.
      expect((await user.status(task.id)).state).toBe('waiting');
      // The context the worker wrote as it fell back is mirrored here too.
      const context = await waitForFile(join(user.taskDir(task.id), 'context.md'));
      expect(context).toContain('Which port?');
      const answered = await user.cli(['answer', task.id, '8080']);
      expect(answered.code, answered.stderr).toBe(0);
      await user.waitForDone([task.id]);
      expect((await user.status(task.id)).state).toBe('done');
      expect(user.read(task.id, 'worker.log')).toMatch(/attempt 2, scripted \(patient\)/);
    } finally {
      user.writeConfig('default: sim\n');
      fourth.child.kill('SIGTERM');
      await new Promise((resolve) => fourth.child.once('exit', resolve));
      nodes.splice(nodes.indexOf(fourth), 1);
      fourth.box.cleanup();
    }
  }, 90_000);

  it('passes a cancel on to the node, which stops the worker there', async () => {
    const task = await user.run(['--queue', redis.url, '--item', 'sleep: 30', '--item', 'done']);
    await nodeOf(task.id);
    await until(
      async () => ((await upMessages(task.id)).some((m) => m.type === 'log') ? true : undefined),
      30_000,
      'the worker started on the node',
    );
    const cancelled = await user.cli(['cancel', task.id]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect((await user.status(task.id)).state).toBe('cancelled');
    const exit = await until(
      async () => (await upMessages(task.id)).find((m) => m.type === 'exit'),
      30_000,
      "the node's exit report",
    );
    expect(exit.state).toBe('cancelled');
  }, 90_000);

  it('relays a note to the worker on the node', async () => {
    const task = await user.run(['--queue', redis.url, '--item', 'sleep: 3', '--item', 'done']);
    await nodeOf(task.id);
    await until(
      async () => ((await upMessages(task.id)).some((m) => m.type === 'log') ? true : undefined),
      30_000,
      'the worker started on the node',
    );
    const noted = await user.cli(['note', task.id, 'Also check the admin panel']);
    expect(noted.code, noted.stderr).toBe(0);
    // The node's own plan carries the note: it comes back up in a plan message.
    await until(
      async () =>
        (await upMessages(task.id)).some(
          (m) => m.type === 'plan' && String(m.text).includes('Also check the admin panel'),
        )
          ? true
          : undefined,
      30_000,
      'the note in the node plan',
    );
    await user.waitForDone([task.id]);
  }, 90_000);

  it('fails a task whose repository the node cannot fetch, naming the URL', async () => {
    const other = new Sandbox();
    try {
      other.writeConfig('default: sim\n');
      initRepo(other.project, { 'a.txt': 'a\n' });
      const missing = join(other.dir, 'no-such-repo.git');
      gitIn(other.project, ['remote', 'add', 'origin', missing]);
      const result = await other.cli(['run', '--json', '--queue', redis.url, '--item', 'done']);
      expect(result.code, result.stderr).toBe(0);
      const id = JSON.parse(result.stdout).id as string;
      const log = await waitForFile(
        join(other.taskDir(id), 'worker.log'),
        (text) => text.includes('node reports the worker ended'),
        30_000,
      );
      expect(log).toContain(`cannot fetch ${missing}`);
      // The node's reason is the task's, and the failure recorded in its history names it.
      const failed = await other.status(id);
      expect(failed.state).toBe('failed');
      expect(failed.reason).toContain(`could not start the task: cannot fetch ${missing}`);
      const recorded = await waitForCondition(
        other.taskDir(id),
        () => other.events(id).find((event) => event.type === 'failed'),
        30_000,
      );
      expect(String(recorded.reason)).toContain(`cannot fetch ${missing}`);
      expect(other.events(id).some((event) => event.type === 'node-lost')).toBe(false);
    } finally {
      other.cleanup();
    }
  }, 90_000);

  it('refuses a job that is not well formed or names another model than its queue', async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('model-sim', { connection, prefix: 'dispatch' });
    const valid = {
      taskId: 'forged',
      attempt: 1,
      model: 'sim',
      title: 'forged',
      request: '',
      planText: '- [ ] done\n',
      repository: origin,
      commit: gitIn(user.project, ['rev-parse', 'HEAD']).trim(),
      priority: 'normal',
    };
    try {
      await queue.add('task', { ...valid, taskId: '../escape' }, { jobId: 'forged-id.1' });
      await queue.add('task', { ...valid, model: 'opus' }, { jobId: 'forged-model.1' });
      for (const [jobId, reason] of [
        ['forged-id.1', /taskId/],
        ['forged-model.1', /names model opus on the queue of sim/],
      ] as const) {
        const failed = await until(() => failedJob(queue, jobId), 20_000, `${jobId} failed`);
        expect(failed.failedReason).toMatch(reason);
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
    for (const node of nodes)
      expect(existsSync(join(node.dir, 'worktrees', 'forged.1'))).toBe(false);
  }, 60_000);

  it('drains on SIGTERM: the running task finishes and is pushed, then the node leaves', async () => {
    const task = await user.run(['--queue', redis.url, '--item', 'sleep: 2', '--item', 'done']);
    const node = await nodeOf(task.id);
    const exited = new Promise<number | null>((resolve) => node.child.once('exit', resolve));
    node.child.kill('SIGTERM');
    await user.waitForDone([task.id]);
    expect((await user.status(task.id)).state).toBe('done');
    expect(await exited).toBe(0);
    expect(gitIn(origin, ['branch', '--list', `dispatch/${task.id}`])).toContain(task.id);
    expect((await nodesListed()).map((listed) => listed.id)).not.toContain(node.id);
    nodes.splice(nodes.indexOf(node), 1);
    node.box.cleanup();
  }, 90_000);

  it('reports a task as "node lost" when its node is killed with -9, and never runs it again', async () => {
    const task = await user.run(['--queue', redis.url, '--item', 'sleep: 2', '--item', 'done']);
    const victim = await nodeOf(task.id);
    const nodeId = victim.id;
    // The worker is running on the node before it is killed.
    const nodeEvents = join(
      victim.dir,
      'worktrees',
      `${task.id}.1`,
      '.dispatch',
      'tasks',
      task.id,
      'events.jsonl',
    );
    await waitForCondition(
      victim.dir,
      () =>
        existsSync(nodeEvents) && readFileSync(nodeEvents, 'utf8').includes('"spawned"')
          ? true
          : undefined,
      30_000,
    );
    victim.child.kill('SIGKILL');

    const reason = await waitForCondition(
      user.taskDir(task.id),
      () => {
        const events = user.events(task.id);
        return events.some((event) => event.type === 'node-lost') ? true : undefined;
      },
      20_000,
      () => user.read(task.id, 'events.jsonl'),
    );
    expect(reason).toBe(true);
    const status = await user.status(task.id);
    expect(status.state).toBe('failed');
    expect(String(status.reason)).toContain(`node lost: ${nodeId}`);

    // The surviving nodes' stalled-job check fails the job rather than handing it to one of them.
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('model-sim', { connection, prefix: 'dispatch' });
    try {
      const failed = await until(
        () => failedJob(queue, `${task.id}.1`),
        20_000,
        'the job failed by the stalled check',
      );
      expect(failed.failedReason).toMatch(/stalled/);
      expect(failed.attemptsMade).toBeLessThanOrEqual(1);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    for (const node of nodes.filter((node) => node !== victim))
      expect(existsSync(join(node.dir, 'worktrees', `${task.id}.1`))).toBe(false);
    expect(readFileSync(join(user.taskDir(task.id), 'worker.log'), 'utf8')).toContain(
      `dispatch retry ${task.id}`,
    );

    // The user's retry runs it again, as attempt 2, on a node that is alive.
    const retried = await user.cli(['retry', task.id]);
    expect(retried.code, retried.stderr).toBe(0);
    await user.waitForDone([task.id]);
    const done = await user.status(task.id);
    expect(done.state).toBe('done');
    expect(done.attempt).toBe(2);
    const started = (await upMessages(task.id, 2)).find((m) => m.type === 'started');
    expect(started?.node).not.toBe(nodeId);
  }, 90_000);
});
