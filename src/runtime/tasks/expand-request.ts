import type { Config } from '../../core/config/config-types.js';
import { DispatchError } from '../../core/errors.js';
import { fanOutTasks } from '../../core/fanout/fan-out-tasks.js';
import type { SplitMode } from '../../core/fanout/split-tasks.js';
import type { DispatchRequest } from './prepare-dispatch.js';

/**
 * A fan-out: turns one request whose plan file (or, without one, whose request text) holds
 * several tasks into one request per task, each with its own title, plan, request and directive
 * text; the run's flags (model, priority, dependencies, limits, folder, worktree, capability)
 * apply to every one. A request that is one task, or that gives --item, comes back unchanged.
 */
export function expandRequest(
  config: Config,
  request: DispatchRequest,
  mode: SplitMode = 'auto',
): DispatchRequest[] {
  if (mode === 'single' || (request.items && request.items.length > 0)) return [request];
  const fromPlan = request.planText !== undefined;
  const text = request.planText ?? request.task;
  if (text === undefined) return [request];
  const specs = fanOutTasks(config, {
    text,
    context: fromPlan ? request.task : undefined,
    mode,
  });
  if (!specs) return [request];
  const source = fromPlan ? (request.planSource ?? 'the plan') : 'the request';
  for (const flag of ['id', 'title'] as const) {
    if (request[flag] !== undefined)
      throw new DispatchError(
        'usage',
        `--${flag} names one task, but ${source} holds ${specs.length} tasks`,
        {
          hint: `Leave out --${flag} (each task gets its own from its heading), or pass --single to dispatch it as one task.`,
        },
      );
  }
  return specs.map((spec) => ({
    ...request,
    title: spec.title || undefined,
    task: spec.request,
    planText: spec.planText,
    planSource: `${source}, task at line ${spec.line}`,
    directiveText: spec.text,
  }));
}
