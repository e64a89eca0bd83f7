import { resolve } from 'node:path';
import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import { backendOfTask } from '../core/backends/backend-registry.js';
import type { Config } from '../core/config/config-types.js';
import {
  dispatchTasks,
  type DispatchRequest,
  type DispatchResult,
} from '../runtime/tasks/dispatch-task.js';
import { confinedFolder } from '../runtime/trust/confine-path.js';
import { expandRequest } from '../runtime/tasks/expand-request.js';
import { bestOfRequests } from '../runtime/tasks/dispatch-best-of.js';
import { MAX_BEST_OF } from '../core/bestof/best-of.js';
import { previewDispatch } from '../runtime/tasks/preview-dispatch.js';
import { defineOperation } from './define-operation.js';
import type { OperationContext } from './operation-context.js';
import { queueUrlOf } from './queue-url-of.js';
import { superviseAlways } from './supervision.js';
import { priority, taskIds, worktreeInfo } from './task-fields.js';
import { firstTimeInRoot } from '../runtime/store/once-per-root.js';
import { statusJson, taskSummary } from './task-summary.js';

const text = (description: string) => z.optional(z.string().check(z.describe(description)));

export const runInput = z.object({
  task: text(
    'What to do, in words: the context the worker gets. Given alone, the worker first expands it into checklist items; a request with several "# " sections is fanned out into one task each.',
  ),
  title: text('Plan title; the task id is made from it'),
  items: z.optional(
    z
      .array(z.string().check(z.minLength(1, 'a checklist item is empty')))
      .check(
        z.describe(
          'Checklist items: concrete, verifiable steps, as many as the task needs (1-2 for a small edit, 5-8 for an investigation); end with an output artifact such as "Write findings to output.md" when it fits',
        ),
      ),
  ),
  planText: text(
    'A whole plan.md instead of items: "# Title", then "- [ ] item" lines; several "# " sections make one task each',
  ),
  planSource: text('Where the plan came from, named in error messages'),
  model: text('Model or alias from the config (see dispatch_models); default: the configured one'),
  cwd: text(
    "Folder the worker runs in, relative to the caller's folder (the MCP server's: and inside it); default: the project",
  ),
  worktree: z.optional(
    z
      .boolean()
      .check(
        z.describe(
          'Run in a new git worktree on branch dispatch/<id>, so the main checkout stays untouched (review with `dispatch diff`, bring in with `dispatch merge`)',
        ),
      ),
  ),
  id: text('Task id to use instead of one made from the title'),
  priority: z.optional(priority.check(z.describe('Queued tasks start by priority'))),
  after: z.optional(taskIds('Start only when these tasks are done')),
  maxParallel: z.optional(
    z
      .number()
      .check(
        z.int('max-parallel takes a whole number of at least 1'),
        z.minimum(1, 'max-parallel takes a whole number of at least 1'),
        z.describe('Start only while fewer than this many tasks of this folder run'),
      ),
  ),
  capability: text('Let the scheduler pick an alias with this capability'),
  split: z.optional(
    z
      .enum(['auto', 'single', 'split'])
      .check(
        z.describe(
          'auto: several "# " sections (or numbered entries with indented lines) make one task each; single: always one task; split: one task per top-level numbered entry',
        ),
      ),
  ),
  queue: z.optional(
    z
      .string()
      .check(
        z.describe(
          'Run on a worker node of this Redis queue (default: DISPATCH_QUEUE, else `queue:` in the config)',
        ),
      ),
  ),
  local: z.optional(
    z
      .boolean()
      .check(z.describe('Run on this machine even when DISPATCH_QUEUE or `queue:` names a queue')),
  ),
  verify: text(
    'A command that checks the work once the worker says it is done (e.g. "npm test"), run with sh -c in the task\'s folder or worktree; exit 0 makes the task done-verified, anything else verify-failed (docs/verify.md). Default: the alias\'s `verify:`',
  ),
  verifyTimeoutMinutes: z.optional(
    z
      .number()
      .check(
        z.positive('the verify time limit takes a positive number of minutes'),
        z.describe(
          'Stop the verify command after this many minutes and count it as failed (default: verify_timeout_minutes in the config, else 10)',
        ),
      ),
  ),
  iterate: z.optional(
    z
      .number()
      .check(
        z.int('iterate takes a whole number'),
        z.minimum(0, 'iterate takes a whole number of at least 0'),
        z.maximum(20, 'iterate takes at most 20 rounds'),
        z.describe(
          'When the verify command fails, send the worker back with the end of its output, up to this many times (its own session resumed where the CLI can)',
        ),
      ),
  ),
  bestOf: z.optional(
    z
      .number()
      .check(
        z.int('best-of takes a whole number'),
        z.minimum(2, 'best-of takes a whole number from 2 to 10'),
        z.maximum(MAX_BEST_OF, 'best-of takes a whole number from 2 to 10'),
        z.describe(
          'Run the same task this many times at once, each in a git worktree of its own (ids <group>.1 … <group>.N), to compare them with dispatch_compare and keep one with dispatch_pick. Give a verify command so each run is checked',
        ),
      ),
  ),
  models: z.optional(
    z
      .array(z.string().check(z.minLength(1, 'a model name is empty')))
      .check(
        z.describe(
          'With bestOf: the models of the runs, in order, repeated when fewer than bestOf (e.g. ["sonnet", "codex"] to try it with two models); at most bestOf names',
        ),
      ),
  ),
  maxCostUsd: z.optional(
    z
      .number()
      .check(
        z.positive('max-cost takes a number of US dollars above 0'),
        z.describe(
          "Stop the worker and fail the task once it has cost more than this many US dollars, as the CLI reports its cost (refused for a CLI that reports none). Default: the alias's max_cost_usd",
        ),
      ),
  ),
  maxTokens: z.optional(
    z
      .number()
      .check(
        z.int('max-tokens takes a whole number'),
        z.positive('max-tokens takes a whole number above 0'),
        z.describe(
          "Stop the worker and fail the task once it has used more than this many tokens (input and output). Default: the alias's max_tokens",
        ),
      ),
  ),
  dryRun: z.optional(
    z.boolean().check(z.describe('Show what would be dispatched; start nothing, write nothing')),
  ),
});

export type RunRequest = z.input<typeof runInput>;

/** One dispatched task: its summary and what was decided for it. */
export const runResult = z.extend(taskSummary, {
  /** The backend (agent CLI) the model runs on. */
  backend: z.string(),
  /**
   * How the model was chosen: passed explicitly, named in the task text, the default, or left to
   * the scheduler by capability.
   */
  modelVia: z.enum(['flag', 'text', 'default', 'capability']),
  /** The alias the model was chosen through, if any. */
  alias: z.nullable(z.string()),
  capability: z.nullable(z.string()),
  /** For a task dispatched by capability: the aliases that may run it, preferred first. */
  candidates: z.nullable(z.array(z.string())),
  /** The git worktree the worker runs in (branch `dispatch/<id>`), when one was asked for. */
  worktree: z.nullable(worktreeInfo),
  /** How the worktree was asked for: by the caller, or in the task's text. */
  worktreeVia: z.nullable(z.enum(['flag', 'text'])),
  priority,
  /** Tasks this one waits for. */
  after: z.array(z.string()),
  taskDir: z.string(),
  planFile: z.string(),
  /** The plan's checklist items as written. */
  items: z.array(z.string()),
});

export type RunResult = z.output<typeof runResult>;

/** What a dry run shows for one task: everything decided, nothing written. */
export const runPreview = z.object({
  dryRun: z.literal(true),
  /** The id it would get now (another run may take it first). */
  id: z.string(),
  title: z.string(),
  model: z.string(),
  modelVia: z.enum(['flag', 'text', 'default', 'capability']),
  backend: z.string(),
  alias: z.nullable(z.string()),
  capability: z.nullable(z.string()),
  candidates: z.nullable(z.array(z.string())),
  worktree: z.nullable(z.extend(worktreeInfo, { via: z.string() })),
  cwd: z.string(),
  priority,
  after: z.array(z.string()),
  maxParallel: z.nullable(z.number()),
  items: z.array(z.string()),
  /** The plan.md the task would get, exactly. */
  planText: z.string(),
  request: z.string(),
});

export type RunPreview = z.output<typeof runPreview>;

export const runOutcome = z.object({
  /** The dispatched tasks (one, or one per section of a fanned-out plan); empty on a dry run. */
  tasks: z.array(runResult),
  /** On a dry run, what would be dispatched; otherwise empty. */
  previews: z.array(runPreview),
  /** No config file, so the tasks went to the built-in simulated worker. */
  builtinConfig: z.boolean(),
  /**
   * Worth telling the user that there is no config file (and how to make one): the tasks went to
   * the simulated worker without `model` naming it, and it was not said in this project before.
   */
  configNotice: z.boolean(),
  /** Tasks sent to a queue that no live node can take yet: what is missing, what nodes offer. */
  warnings: z.optional(z.array(z.string())),
});

export type RunOutcome = z.output<typeof runOutcome>;

/** Tasks for worker nodes (docs/nodes.md); the queue code loads only when a queue is given. */
async function dispatchQueued(
  ctx: OperationContext,
  config: Config,
  requests: DispatchRequest[],
  url: string,
): Promise<{ results: DispatchResult[]; warnings: string[] }> {
  const { dispatchToQueue, newQueueRun, unpushedWarnings, unroutedWarnings } =
    await import('../runtime/nodes/queue-dispatch.js');
  // The relays and the supervisor this run starts inherit the URL, password included.
  const store = ctx.withEnv({ DISPATCH_QUEUE: url }).store;
  const results: DispatchResult[] = [];
  const run = newQueueRun(requests.length);
  for (const request of requests)
    results.push(await dispatchToQueue(store, config, request, url, run));
  const metas = results.map((result) => result.meta);
  const warnings = [...unpushedWarnings(metas), ...(await unroutedWarnings(url, metas))];
  return { results, warnings };
}

/** `--best-of N`: the one task of the run as N runs of a group (dispatch-best-of.ts). */
function bestOfOne(
  ctx: OperationContext,
  config: Config,
  requests: DispatchRequest[],
  runs: number,
  models: string[] | undefined,
): DispatchRequest[] {
  const [only] = requests;
  if (!only || requests.length > 1)
    throw new DispatchError(
      'usage',
      `--best-of runs one task several times, but the plan holds ${requests.length} tasks`,
      { hint: 'Pass --single to dispatch it as one task, or run each task with --best-of.' },
    );
  return bestOfRequests(ctx.store, config, only, { n: runs, models });
}

/** The worker's folder, relative to the caller's; a confined context refuses one outside it. */
function workerFolder(ctx: OperationContext, cwd: string | undefined): string | undefined {
  if (cwd === undefined) return undefined;
  return ctx.confine ? confinedFolder(ctx.cwd, cwd) : resolve(ctx.cwd, cwd);
}

function resultJson(ctx: OperationContext, result: DispatchResult): RunResult {
  const { meta, choice, status, plan } = result;
  const files = ctx.store.files(meta.id);
  return {
    ...statusJson(status),
    backend: meta.backend,
    modelVia: result.candidates ? 'capability' : choice.via,
    alias: meta.alias ?? null,
    capability: meta.capability ?? null,
    candidates: result.candidates ?? null,
    worktree: meta.worktree ?? null,
    worktreeVia: result.worktreeVia ?? null,
    priority: meta.priority,
    after: meta.after,
    taskDir: files.taskDir,
    planFile: files.plan,
    items: plan.items.map((item) => item.text),
  };
}

/**
 * Dispatches: writes each plan and task folder atomically, starts the workers unless scheduling
 * rules make them wait, makes sure a supervisor runs, and returns at once. A plan (or request)
 * that holds several tasks is fanned out, one task each; a dry run only resolves and shows.
 */
export const runOperation = defineOperation({
  name: 'run',
  input: runInput,
  result: runOutcome,
  run: async (ctx, input): Promise<RunOutcome> => {
    if (!input.task?.trim() && !input.items?.length && input.planText === undefined)
      throw new DispatchError('usage', 'nothing to dispatch', {
        hint: 'Give a task description, checklist items (--item TEXT) or a plan (--plan-file FILE). See dispatch run --help.',
      });
    if (input.planText !== undefined && input.items && input.items.length > 0)
      throw new DispatchError('usage', 'give checklist items or a whole plan, not both', {
        hint: 'Put the items into the plan as "- [ ] …" lines, or leave the plan out.',
      });
    await ctx.prepare();
    const { split, dryRun, queue: asked, local, bestOf: runs, models, ...request } = input;
    const config = ctx.config();
    const expanded = expandRequest(
      config,
      { ...request, cwd: workerFolder(ctx, request.cwd) },
      split,
    );
    const requests = runs === undefined ? expanded : bestOfOne(ctx, config, expanded, runs, models);
    if (runs === undefined && models !== undefined)
      throw new DispatchError('usage', '--models goes with --best-of', {
        hint: 'Give --best-of N to run the task N times on these models, or --model NAME for one run.',
      });
    if (dryRun) {
      const previews = previewDispatch(ctx.store, config, requests);
      return {
        tasks: [],
        previews: previews.map((preview) => ({ dryRun: true as const, ...preview })),
        builtinConfig: config.format === 'builtin',
        configNotice: false,
      };
    }
    if (local && asked !== undefined)
      throw new DispatchError('usage', '--queue and --no-queue contradict each other', {
        hint: 'Give --queue URL to run on a worker node, --no-queue to run here.',
      });
    const queue = local ? undefined : queueUrlOf(ctx, asked);
    if (queue && runs !== undefined)
      throw new DispatchError('usage', '--best-of runs on this machine only, not on a queue', {
        hint: 'Add --no-queue: the runs are compared in worktrees here (docs/verify.md, Best of N).',
      });
    const queued = queue ? await dispatchQueued(ctx, config, requests, queue) : undefined;
    const results = queued ? queued.results : dispatchTasks(ctx.store, config, requests);
    superviseAlways(queue ? ctx.withEnv({ DISPATCH_QUEUE: queue }) : ctx);
    const builtinConfig =
      config.format === 'builtin' &&
      results.some((result) => backendOfTask(result.meta.backendType).builtIn);
    return {
      tasks: results.map((result) => resultJson(ctx, result)),
      previews: [],
      builtinConfig,
      configNotice:
        builtinConfig &&
        request.model === undefined &&
        firstTimeInRoot(ctx.root, 'no-config-notice'),
      ...(queued && queued.warnings.length > 0 ? { warnings: queued.warnings } : {}),
    };
  },
});
