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

/** Short heartbeats and leases, so a lost node is noticed in about a second. */
const NODE_TIMINGS = {
  DISPATCH_NODE_HEARTBEAT_MS: '300',
  DISPATCH_NODE_LOCK_MS: '1500',
  DISPATCH_NODE_STALLED_MS: '500',
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
function startNode(index: number): RunningNode {
  const box = new Sandbox(NODE_TIMINGS);
  box.writeConfig('default: sim\n');
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

async function nodesListed(): Promise<{ id: string; busy: number; models: string[] }[]> {
  const result = await user.cli(['nodes', '--queue', redis.url, '--json']);
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  redis = await new RedisServer().start();
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

  it('reports a task as "node lost" when its node is killed with -9, and never runs it again', async () => {
    const task = await user.run(['--queue', redis.url, '--item', 'sleep: 60', '--item', 'done']);
    const log = await waitForFile(
      join(user.taskDir(task.id), 'worker.log'),
      (text) => /running on node (test-node-\d)/.test(text),
      30_000,
    );
    const nodeId = /running on node (test-node-\d)/.exec(log)?.[1];
    const victim = nodes.find((node) => node.id === nodeId)!;
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
        async () => {
          const job = await Job.fromId(queue, `${task.id}.1`);
          return job && (await job.getState()) === 'failed' ? job : undefined;
        },
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
  }, 90_000);
});
