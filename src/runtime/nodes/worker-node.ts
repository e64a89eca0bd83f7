import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../../core/config/config-types.js';
import { redactQueueUrl } from './queue-url.js';
import { connectRedis, pingRedis } from './redis-connection.js';
import { knownCapabilities } from '../../core/schedule/capability-aliases.js';
import { applyFleetLimits } from './fleet-limits.js';
import { capabilityQueueName, modelQueueName, nodeKey, QUEUE_PREFIX } from './node-channels.js';
import { nodeJobSchema } from './node-job.js';
import { modelForJob, type NodeRoute } from './node-route.js';
import { runNodeJob } from './run-node-job.js';

export interface NodeOptions {
  queueUrl: string;
  slots: number;
  capabilities: string[];
  dir: string;
  id: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  version: string;
  log: (line: string) => void;
}

/** What a node advertises under its key (`dispatch nodes` reads it). */
export interface NodeAdvert {
  id: string;
  host: string;
  pid: number;
  models: string[];
  capabilities: string[];
  slots: number;
  busy: number;
  version: string;
  draining: boolean;
  heartbeat: string;
}

/** Timings, shortened by tests through the environment; the defaults suit a real fleet. */
function timings(env: NodeJS.ProcessEnv) {
  const number = (value: string | undefined, fallback: number) =>
    value && Number(value) > 0 ? Number(value) : fallback;
  const heartbeatMs = number(env.DISPATCH_NODE_HEARTBEAT_MS, 5000);
  return {
    heartbeatMs,
    // Three missed heartbeats and the node counts as lost.
    ttlMs: heartbeatMs * 3,
    lockMs: number(env.DISPATCH_NODE_LOCK_MS, 30_000),
    stalledMs: number(env.DISPATCH_NODE_STALLED_MS, 30_000),
  };
}

/** The default node id: the host and the node folder's name, stable across restarts. */
export function defaultNodeId(dir: string): string {
  const base = dir.split('/').filter(Boolean).pop() ?? 'node';
  return `${hostname()}-${base}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * A worker node: one BullMQ worker per model its own config offers, sharing `slots` between
 * them; a heartbeat that keeps its advertisement in Redis alive. A job is never retried by
 * BullMQ (attempts 1, maxStalledCount 0): an agent run has side effects, so a job whose node
 * vanished fails and waits for the user's `dispatch retry`.
 */
export class WorkerNode {
  private readonly workers: Worker[] = [];
  /** A connection given to BullMQ stays open when its worker closes: closed here on drain. */
  private readonly connections: Redis[] = [];
  private redis: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private busy = 0;
  private readonly waiting: (() => void)[] = [];
  private draining = false;
  private readonly timings;

  constructor(private readonly options: NodeOptions) {
    this.timings = timings(options.env);
  }

  /** The model and alias names of its own config: jobs routed by these names come here. */
  get models(): string[] {
    const { models, aliases } = this.options.config;
    return [...new Set([...Object.keys(models), ...Object.keys(aliases)])].sort();
  }

  /** The capabilities it was started with and those its own aliases declare, in lower case. */
  get capabilities(): string[] {
    const declared = [...this.options.capabilities, ...knownCapabilities(this.options.config)];
    return [...new Set(declared.map((name) => name.toLowerCase()))].sort();
  }

  /** Every queue it takes jobs from, with what a job there must name. */
  private routes(): { queue: string; route: NodeRoute }[] {
    return [
      ...this.models.map((model) => ({
        queue: modelQueueName(model),
        route: { kind: 'model' as const, name: model },
      })),
      ...this.capabilities.map((capability) => ({
        queue: capabilityQueueName(capability),
        route: { kind: 'capability' as const, name: capability },
      })),
    ];
  }

  async start(): Promise<void> {
    const { queueUrl, slots } = this.options;
    this.redis = connectRedis(queueUrl);
    await pingRedis(this.redis, queueUrl);
    await this.advertise();
    this.heartbeat = setInterval(() => void this.advertise(), this.timings.heartbeatMs);
    await applyFleetLimits(queueUrl, this.options.config, this.routes(), this.options.log);
    for (const { queue, route } of this.routes()) {
      const connection = connectRedis(queueUrl);
      this.connections.push(connection);
      const worker = new Worker(queue, (job: Job) => this.process(route, job), {
        connection,
        prefix: QUEUE_PREFIX,
        concurrency: slots,
        maxStalledCount: 0,
        lockDuration: this.timings.lockMs,
        stalledInterval: this.timings.stalledMs,
        autorun: false,
      });
      worker.on('error', (error) => this.options.log(`queue error: ${error.message}`));
      worker.on('failed', (job, error) =>
        this.options.log(`job ${job?.id ?? '?'} failed: ${error.message}`),
      );
      this.workers.push(worker);
      void worker.run();
    }
    this.options.log(
      `node ${this.options.id} on ${redactQueueUrl(queueUrl)}: models ${this.models.join(', ')}${this.capabilities.length > 0 ? `; capabilities ${this.capabilities.join(', ')}` : ''}; ${slots} slots`,
    );
  }

  private async process(route: NodeRoute, job: Job): Promise<string> {
    // Each model's worker may take `slots` jobs; the node as a whole runs no more than that. A
    // job fetched in the moment before the others paused waits here for a slot (still leased).
    while (this.busy >= this.options.slots)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy++;
    if (this.busy >= this.options.slots) this.pauseAll();
    void this.advertise();
    const blocking = this.redis!.duplicate();
    try {
      const data = nodeJobSchema.parse(job.data);
      const model = modelForJob(this.options.config, route, data, String(job.id));
      this.options.log(`job ${job.id}: task ${data.taskId} (${model ?? 'default model'})`);
      return await runNodeJob(
        { ...data, model },
        {
          nodeId: this.options.id,
          dir: this.options.dir,
          config: this.options.config,
          env: this.options.env,
          redis: blocking,
          log: this.options.log,
          heartbeatMs: this.timings.heartbeatMs,
        },
      );
    } finally {
      blocking.disconnect();
      this.busy--;
      this.waiting.shift()?.();
      if (!this.draining && this.busy < this.options.slots) this.resumeAll();
      void this.advertise();
    }
  }

  private pauseAll(): void {
    // Local pause: jobs in progress go on, no new ones are fetched.
    for (const worker of this.workers) void worker.pause(true);
  }

  private resumeAll(): void {
    for (const worker of this.workers) if (worker.isPaused()) worker.resume();
  }

  private async advertise(): Promise<void> {
    const advert: NodeAdvert = {
      id: this.options.id,
      host: hostname(),
      pid: process.pid,
      models: this.models,
      capabilities: this.capabilities,
      slots: this.options.slots,
      busy: this.busy,
      version: this.options.version,
      draining: this.draining,
      heartbeat: new Date().toISOString(),
    };
    try {
      await this.redis?.set(
        nodeKey(this.options.id),
        JSON.stringify(advert),
        'PX',
        this.timings.ttlMs,
      );
    } catch (error) {
      this.options.log(`heartbeat not written: ${(error as Error).message}`);
    }
  }

  /**
   * Draining (SIGTERM): takes no new job, lets every running one finish and push its branch,
   * then withdraws the advertisement. A second SIGTERM or SIGKILL stops at once; those jobs then
   * count as lost.
   */
  async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.options.log(`draining: ${this.busy} task(s) still running`);
    void this.advertise();
    await Promise.all(this.workers.map((worker) => worker.close()));
    clearInterval(this.heartbeat);
    await this.redis?.del(nodeKey(this.options.id));
    this.redis?.disconnect();
    for (const connection of this.connections) connection.disconnect();
    this.options.log('drained');
  }
}
