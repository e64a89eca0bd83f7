import type { Config } from '../../core/config/config-types.js';
import { aliasesWithCapability } from '../../core/schedule/capability-aliases.js';
import type { NodeJob } from './node-job.js';

/** What one of a node's queues carries: jobs for one of its model or alias names, or a capability. */
export type NodeRoute = { kind: 'model'; name: string } | { kind: 'capability'; name: string };

/**
 * The model or alias of the node's own config that runs a job taken from a queue. A job must
 * name what its queue is for (anyone who can write to Redis can put any job on any queue): a
 * model job its model, a capability job its capability. A capability job runs on the node's
 * first alias with that capability, else on the node's default model.
 */
export function modelForJob(config: Config, route: NodeRoute, job: NodeJob, jobId: string): string {
  if (route.kind === 'model') {
    if (job.capability !== undefined || job.model !== route.name)
      throw new Error(
        `job ${jobId} names ${job.capability !== undefined ? `capability ${job.capability}` : `model ${job.model}`} on the queue of ${route.name}`,
      );
    return route.name;
  }
  if (job.capability?.toLowerCase() !== route.name)
    throw new Error(`job ${jobId} does not name capability ${route.name}, the queue it came from`);
  const chosen = aliasesWithCapability(config, route.name)[0] ?? config.default;
  if (chosen === undefined)
    throw new Error(
      `this node offers capability ${route.name} but has no alias with it and no default model`,
    );
  return chosen;
}
