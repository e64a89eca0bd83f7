import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../core/config/config-types.js';
import { resolveModel, type ModelChoice } from '../../core/config/resolve-model.js';
import { DispatchError } from '../../core/errors.js';
import { buildPlan } from '../../core/plan/build-plan.js';
import { parsePlan } from '../../core/plan/parse-plan.js';
import type { Plan } from '../../core/plan/plan-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { assertValidTaskId } from '../../core/task/task-id.js';
import type { Priority, TaskMeta } from '../../core/task/task-meta.js';
import { backendFor } from '../backends/backend-registry.js';
import { isUnconstrained, startRunnableTasks } from '../scheduler/start-runnable.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { workerWrapperScript, WRAPPER_NAME } from '../spawn/worker-wrapper.js';
import type { TaskStore } from '../store/task-store.js';
import { createTaskFolder } from './create-task.js';

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
}

export interface DispatchResult {
  meta: TaskMeta;
  plan: Plan;
  choice: ModelChoice;
  status: TaskStatus;
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

function planFor(request: DispatchRequest, title: string): string {
  if (request.planText !== undefined) return request.planText;
  return buildPlan({ title, items: request.items });
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

/**
 * `dispatch run`: writes the plan and the task folder atomically, starts the worker unless the
 * scheduling rules make it wait, and returns at once.
 */
export function dispatchTask(
  store: TaskStore,
  config: Config,
  request: DispatchRequest,
): DispatchResult {
  const givenPlan =
    request.planText !== undefined
      ? checkPlan(request.planText, request.planSource ?? 'the plan')
      : undefined;
  const title = titleFrom(request, givenPlan);
  const planText = planFor(request, title);
  const plan = givenPlan ?? checkPlan(planText, 'the plan');
  const choice = resolveModel(config, {
    explicit: request.model,
    text: request.task ?? request.planText ?? request.items?.join('\n'),
  });
  const cwd = existingDir(request.cwd ?? store.paths.project);
  for (const dep of request.after ?? []) {
    assertValidTaskId(dep);
    store.require(dep);
  }
  const backend = backendFor(choice.backend.type);
  const meta = createTaskFolder(store, {
    id: request.id,
    title,
    planText,
    fallbackMinutes: config.fallbackMinutes,
    meta: {
      version: 1,
      title,
      request: request.task ?? '',
      model: choice.model.name,
      modelId: choice.model.id,
      backend: choice.backend.name,
      backendType: choice.backend.type,
      command: choice.backend.command,
      passModel: choice.model.passModel,
      ...(choice.alias ? { alias: choice.alias.name } : {}),
      ...(choice.alias?.prompt ? { aliasPrompt: choice.alias.prompt } : {}),
      cwd,
      priority: request.priority ?? 'normal',
      after: request.after ?? [],
      ...(request.maxParallel !== undefined ? { maxParallel: request.maxParallel } : {}),
      timeoutMinutes: config.timeoutMinutes,
    },
    argvFor: (placeholder) => {
      const invocation = backend.invocation({
        command: choice.backend.command,
        modelId: choice.model.id,
        passModel: choice.model.passModel,
        prompt: placeholder,
      });
      return [
        '/bin/sh',
        '-c',
        workerWrapperScript(invocation.command),
        WRAPPER_NAME,
        ...invocation.args,
      ];
    },
  });
  if (isUnconstrained(meta, config)) {
    launchWorker(store, meta, 1);
  } else {
    startRunnableTasks(store, config);
  }
  return { meta, plan, choice, status: store.status(meta.id) };
}
