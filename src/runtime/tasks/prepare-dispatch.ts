import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../core/config/config-types.js';
import { resolveModel, type ModelChoice } from '../../core/config/resolve-model.js';
import { DispatchError } from '../../core/errors.js';
import { priorityDirective } from '../../core/fanout/priority-directive.js';
import { worktreeDirective } from '../../core/fanout/task-directives.js';
import { buildPlan } from '../../core/plan/build-plan.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import type { Plan } from '../../core/plan/plan-types.js';
import { requireCapability } from '../../core/schedule/capability-aliases.js';
import { assertValidTaskId } from '../../core/task/task-id.js';
import type { BestOfInfo, Priority, TaskMeta } from '../../core/task/task-meta.js';
import { backendOfTask } from '../../core/backends/backend-registry.js';
import type { TaskStore } from '../store/task-store.js';
import { repositoryOf, type Repository } from '../worktree/repository.js';
import { modelFields } from './model-fields.js';
import type { CarriedOver } from './create-task.js';

export interface DispatchRequest {
  /** Free-text request: the worker's context, and the plan's only item when no items are given. */
  task?: string;
  items?: string[];
  /** A whole plan.md written by the caller. */
  planText?: string;
  /** Where planText came from, for error messages. */
  planSource?: string;
  title?: string;
  id?: string;
  model?: string;
  cwd?: string;
  priority?: Priority;
  after?: string[];
  maxParallel?: number;
  /** Run in a new git worktree. Unset: as the task's text says ("in a worktree"), else not. */
  worktree?: boolean;
  /** Leave the model to the scheduler: an alias with this capability and a free slot. */
  capability?: string;
  /** The text model, worktree and priority directives are read from (default: task, else plan, else items). */
  directiveText?: string;
  /** The user's command that checks the work once the worker is done (docs/verify.md). */
  verify?: string;
  /** The verify command's time limit (default: `verify_timeout_minutes` in the config). */
  verifyTimeoutMinutes?: number;
  /** Rounds a failed verify sends the worker back with its output. */
  iterate?: number;
  /** One run of a best-of-N group (set by `--best-of`, see dispatch-best-of.ts). */
  bestOf?: BestOfInfo;
  /** Stop the worker once the task has cost more than this (docs/verify.md, Budgets). */
  maxCostUsd?: number;
  /** Stop the worker once the task has used more tokens than this. */
  maxTokens?: number;
  /** A worker node's task that goes on from a lost node's (create-task.ts, CarriedOver). */
  carried?: CarriedOver;
}

/** A request checked and resolved, ready to be created; nothing is written yet. */
export interface PreparedDispatch {
  request: DispatchRequest;
  title: string;
  planText: string;
  plan: Plan;
  choice: ModelChoice;
  /** How the worktree was asked for, if it was. */
  worktreeVia: 'flag' | 'text' | undefined;
  repository: Repository | undefined;
  /** For a task dispatched by capability: the aliases that may run it, preferred first. */
  candidates: string[] | undefined;
  meta: Omit<TaskMeta, 'id' | 'argv' | 'createdAt'>;
}

const MAX_TITLE = 80;

function titleFrom(request: DispatchRequest, plan: Plan | undefined): string {
  const raw =
    request.title ??
    plan?.title ??
    request.task?.split(/\r?\n/).find((line) => line.trim()) ??
    request.items?.[0];
  if (!raw?.trim())
    throw new DispatchError('usage', 'nothing to dispatch: give a task, --item, or --plan-file', {
      hint: 'Example: dispatch run "Review the auth module for security issues"',
    });
  const title = raw.replace(/\s*\r?\n\s*/g, ' ').trim();
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

function checkPlan(planText: string, source: string): Plan {
  const plan = parsePlan(planText);
  if (plan.items.length === 0) {
    throw new DispatchError('plan', `${source} has no checklist items`, {
      hint: 'A plan needs at least one line such as "- [ ] Review auth.ts" (markers: [ ] pending, [x] done, [?] blocked, [!] error).',
    });
  }
  return plan;
}

function existingDir(path: string): string {
  const dir = resolve(path);
  try {
    if (statSync(dir).isDirectory()) return dir;
  } catch {
    // reported below
  }
  throw new DispatchError('usage', `working directory ${dir} does not exist`, {
    hint: 'Pass an existing folder to --cwd.',
  });
}

function chooseModel(config: Config, request: DispatchRequest, text: string | undefined) {
  if (request.capability === undefined)
    return {
      choice: resolveModel(config, { explicit: request.model, text }),
      candidates: undefined,
    };
  if (request.model !== undefined)
    throw new DispatchError('usage', '--capability and --model both choose the model', {
      hint: 'Give one of them: --model NAME for a fixed model, --capability NAME to let the scheduler pick an alias.',
    });
  const candidates = requireCapability(config, request.capability);
  // Written now so task.json is complete; the scheduler replaces it with the alias that starts it.
  return { choice: resolveModel(config, { explicit: candidates[0] }), candidates };
}

/** Checks a request and resolves its title, plan, model, folder and worktree; writes nothing. */
export function prepareDispatch(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
): PreparedDispatch {
  const givenPlan =
    request.planText !== undefined
      ? checkPlan(request.planText, request.planSource ?? 'the plan')
      : undefined;
  const title = titleFrom(request, givenPlan);
  const planText = request.planText ?? buildPlan({ title, items: request.items });
  const plan = givenPlan ?? checkPlan(planText, 'the plan');
  const text =
    request.directiveText ?? request.task ?? request.planText ?? request.items?.join('\n');
  const { choice, candidates } = chooseModel(config, request, text);
  const cwd = existingDir(request.cwd ?? store.paths.project);
  for (const dep of request.after ?? []) {
    assertValidTaskId(dep);
    store.require(dep);
  }
  const fromText = text !== undefined ? worktreeDirective(text) : undefined;
  const worktree = request.worktree ?? fromText ?? false;
  const worktreeVia = request.worktree !== undefined ? 'flag' : fromText ? 'text' : undefined;
  const repository = worktree
    ? repositoryOf(
        cwd,
        worktreeVia === 'text' ? 'The task text asks for a worktree, which' : undefined,
      )
    : undefined;
  return {
    request,
    title,
    planText,
    plan,
    choice,
    worktreeVia: worktree ? worktreeVia : undefined,
    repository,
    candidates,
    meta: {
      version: 1,
      title,
      request: request.task ?? '',
      ...modelFields(choice),
      cwd,
      priority:
        request.priority ?? (text !== undefined ? priorityDirective(text) : undefined) ?? 'normal',
      ...(request.capability !== undefined ? { capability: request.capability } : {}),
      after: request.after ?? [],
      ...(request.maxParallel !== undefined ? { maxParallel: request.maxParallel } : {}),
      timeoutMinutes: config.timeoutMinutes,
      fallbackMinutes: config.fallbackMinutes,
      askSliceSeconds: config.askSliceSeconds,
      ...verifyField(config, request, choice.alias?.verify),
      ...(request.bestOf ? { bestOf: request.bestOf } : {}),
      ...budgetField(request, choice),
    },
  };
}

/**
 * The verify command, from the request or else the alias the model was chosen through; only
 * ever the user's own text (a flag, the config), never the plan's or the task's.
 */
function verifyField(
  config: Config,
  request: DispatchRequest,
  aliasVerify: string | undefined,
): Pick<TaskMeta, 'verify'> {
  if (request.verify !== undefined && !request.verify.trim())
    throw new DispatchError('usage', 'the verify command is empty', {
      hint: 'Give the command that checks the work, e.g. --verify "npm test".',
    });
  const command = request.verify?.trim() ?? aliasVerify?.trim();
  if (!command) {
    if (request.iterate !== undefined && request.iterate > 0)
      throw new DispatchError('usage', '--iterate needs a verify command', {
        hint: 'Add --verify "npm test" (or set `verify:` on the alias) so a round can fail.',
      });
    return {};
  }
  return {
    verify: {
      command,
      timeoutMinutes: request.verifyTimeoutMinutes ?? config.verifyTimeoutMinutes,
      iterate: request.iterate ?? 0,
      source: request.verify !== undefined ? 'flag' : 'alias',
    },
  };
}

/** `--max-cost` and `--max-tokens`, when given, are numbers above 0. */
export function checkBudgetFlags(request: DispatchRequest): void {
  for (const [value, flag] of [
    [request.maxCostUsd, '--max-cost'],
    [request.maxTokens, '--max-tokens'],
  ] as const)
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      throw new DispatchError('usage', `${flag} takes a number above 0, got ${value}`, {
        hint: 'Example: --max-cost 2.50 (US dollars) or --max-tokens 200000.',
      });
}

/**
 * The task's budget, from the request or else the alias. A cost limit needs a CLI that reports
 * what its work costs: on one that reports tokens only, it could never stop anything, so it is
 * refused rather than silently ignored.
 */
function budgetField(request: DispatchRequest, choice: ModelChoice): Pick<TaskMeta, 'budget'> {
  checkBudgetFlags(request);
  const maxCostUsd = request.maxCostUsd ?? choice.alias?.maxCostUsd;
  const maxTokens = request.maxTokens ?? choice.alias?.maxTokens;
  if (maxCostUsd === undefined && maxTokens === undefined) return {};
  const backend = backendOfTask(choice.backend.type);
  if (maxCostUsd !== undefined && !backend.reportsCost) {
    const where =
      request.maxCostUsd !== undefined
        ? '--max-cost'
        : `max_cost_usd of alias "${choice.alias?.name ?? ''}"`;
    throw new DispatchError(
      'usage',
      `${where}: ${backend.label} does not report what its work costs, so a cost budget could never stop it`,
      {
        hint: 'Give a token budget instead (--max-tokens N), or run the task on a CLI that reports cost (Claude Code, opencode).',
      },
    );
  }
  return {
    budget: {
      ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    },
  };
}
