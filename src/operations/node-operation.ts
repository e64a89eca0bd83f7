import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DispatchError } from '../core/errors.js';
import type { OperationContext } from './operation-context.js';
import { packageVersion } from './package-info.js';
import { dispatchHome } from '../runtime/paths.js';

/** What `dispatch node` starts: a worker node of a queue, until it is told to drain. */
export interface NodeOptions {
  queueUrl: string;
  slots: number;
  capabilities: string[];
  /** Where the node keeps its mirrors and worktrees; default: the dispatch home's `node/`. */
  dir: string | undefined;
  id: string | undefined;
  log: (line: string) => void;
}

/** Starts a worker node (docs/nodes.md); the queue code loads only here. Resolves once it runs. */
export async function startWorkerNode(
  ctx: OperationContext,
  options: NodeOptions,
): Promise<{ drain: () => Promise<void> }> {
  if (options.id !== undefined && !/^[A-Za-z0-9._-]{1,100}$/.test(options.id))
    throw new DispatchError('usage', `the node id "${options.id}" is not a plain name`, {
      hint: 'Use letters, digits, ".", "_" and "-" (at most 100): it is shown in every listing.',
    });
  const dir = resolve(ctx.cwd, options.dir ?? join(dispatchHome(ctx.env), 'node'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { WorkerNode, defaultNodeId } = await import('../runtime/nodes/worker-node.js');
  await ctx.prepare();
  const node = new WorkerNode({
    queueUrl: options.queueUrl,
    slots: options.slots,
    capabilities: options.capabilities,
    dir,
    id: options.id ?? defaultNodeId(dir),
    config: ctx.config(),
    env: ctx.env,
    version: packageVersion(),
    log: options.log,
  });
  await node.start();
  return node;
}

/** `dispatch nodes`: the nodes of a queue whose heartbeat is current. */
export async function listQueueNodes(url: string) {
  const { listNodes } = await import('../runtime/nodes/list-nodes.js');
  return listNodes(url);
}
