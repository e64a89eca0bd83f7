import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { gitIn, initRepo } from './git-repo.js';
import { RedisServer } from './redis-server.js';
import { CLI } from './run-cli.js';
import { Sandbox } from './sandbox.js';
import { waitForFile } from './wait-for.js';

/**
 * Short heartbeats and leases, so a lost node is noticed within seconds; not shorter, since a
 * busy test machine delays timers by a second or more (a live node must not be taken for lost).
 */
export const NODE_TIMINGS = {
  DISPATCH_NODE_HEARTBEAT_MS: '1000',
  DISPATCH_NODE_LOCK_MS: '4000',
  DISPATCH_NODE_STALLED_MS: '1000',
};

export interface RunningNode {
  id: string;
  box: Sandbox;
  dir: string;
  child: ChildProcess;
  stderr: () => string;
}

/** Re-runs an async check until it returns a value (the state lives in Redis, not in files). */
export async function until<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A fleet for one test file: a private Redis, a user's project whose `origin` is a local bare
 * repository, and worker nodes started as real `dispatch node` processes, each in its own folder
 * with its own HOME and config.
 */
export class NodeFleet {
  redis!: RedisServer;
  user!: Sandbox;
  origin = '';
  readonly nodes: RunningNode[] = [];

  async start(userConfig = 'default: sim\n'): Promise<this> {
    this.redis = await new RedisServer({ persist: true }).start();
    this.user = new Sandbox();
    this.user.writeConfig(userConfig);
    this.origin = join(this.user.dir, 'origin.git');
    mkdirSync(this.origin);
    gitIn(this.origin, ['init', '--quiet', '--bare', '--initial-branch=main']);
    initRepo(this.user.project, { 'README.md': 'a project\n' });
    gitIn(this.user.project, ['remote', 'add', 'origin', this.origin]);
    gitIn(this.user.project, ['push', '--quiet', 'origin', 'main']);
    return this;
  }

  /** Starts `dispatch node` with its own HOME and config, `--slots 2` unless told. */
  startNode(
    index: number,
    config = 'default: sim\n',
    options: { capabilities?: string[]; slots?: number; env?: NodeJS.ProcessEnv } = {},
  ): RunningNode {
    const box = new Sandbox({ ...NODE_TIMINGS, ...options.env });
    box.writeConfig(config);
    const dir = join(box.dir, 'node');
    const id = `test-node-${index}`;
    const args = [
      CLI,
      'node',
      '--queue',
      this.redis.url,
      '--slots',
      String(options.slots ?? 2),
      '--dir',
      dir,
      '--id',
      id,
      ...(options.capabilities ?? []).flatMap((name) => ['--capability', name]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: box.project,
      env: box.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const node = { id, box, dir, child, stderr: () => stderr };
    this.nodes.push(node);
    return node;
  }

  /** Waits until `dispatch nodes` lists this many nodes. */
  async waitForNodes(count: number, timeoutMs = 20_000): Promise<void> {
    await until(
      async () => ((await this.listed()).length === count ? true : undefined),
      timeoutMs,
      `${count} nodes`,
    );
  }

  async listed(): Promise<{ id: string; busy: number; models: string[] }[]> {
    const result = await this.user.cli(['nodes', '--queue', this.redis.url, '--json']);
    if (result.code !== 0) throw new Error(result.stderr);
    return JSON.parse(result.stdout);
  }

  /** The id of the node a task runs on, once the relay has said so in worker.log. */
  async nodeIdOf(id: string, user = this.user): Promise<string> {
    const log = await waitForFile(
      join(user.taskDir(id), 'worker.log'),
      (text) => /running on node (test-node-\d+)/.test(text),
      30_000,
    );
    return /running on node (test-node-\d+)/.exec(log)?.[1] ?? '';
  }

  /** A BullMQ job of the fleet's Redis, read once it has finished (or failed). */
  async finishedJob(queueName: string, jobId: string): Promise<Job> {
    const connection = new Redis(this.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName, { connection, prefix: 'dispatch' });
    try {
      return await until(
        async () => {
          const job = await Job.fromId(queue, jobId);
          return job?.finishedOn !== undefined ? job : undefined;
        },
        60_000,
        `job ${jobId} finished`,
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  /** The messages a node sent up for one attempt, straight from Redis. */
  async upMessages(id: string, attempt = 1): Promise<{ type: string; [key: string]: unknown }[]> {
    const connection = new Redis(this.redis.url);
    try {
      const entries = await connection.xrange(`dispatch:task:${id}:${attempt}:up`, '-', '+');
      return entries.map(([, fields]) => JSON.parse(fields[1] ?? '{}'));
    } finally {
      connection.disconnect();
    }
  }

  stop(): void {
    for (const node of this.nodes) {
      node.child.kill('SIGKILL');
      node.box.cleanup();
    }
    this.user?.cleanup();
    this.redis?.stop();
  }
}
