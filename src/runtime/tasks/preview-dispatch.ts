import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config/config-types.js';
import { DispatchError } from '../../core/errors.js';
import { uniqueTaskId } from '../../core/task/task-id.js';
import type { Priority } from '../../core/task/task-meta.js';
import type { TaskStore } from '../store/task-store.js';
import { worktreePath, worktreeTaken } from '../worktree/add-worktree.js';
import { taskBranch } from '../worktree/repository.js';
import { prepareDispatch, type DispatchRequest } from './prepare-dispatch.js';

/** What `dispatch run --dry-run` shows for one task: everything decided, nothing written. */
export interface DispatchPreview {
  /** The id it would get now (another run may take it first). */
  id: string;
  title: string;
  model: string;
  modelVia: 'flag' | 'text' | 'default' | 'capability';
  backend: string;
  alias: string | null;
  capability: string | null;
  /** Aliases a capability task may run on, preferred first. */
  candidates: string[] | null;
  worktree: { path: string; branch: string; base: string; repo: string; via: string } | null;
  cwd: string;
  priority: Priority;
  after: string[];
  maxParallel: number | null;
  items: string[];
  /** The plan.md the task would get, exactly. */
  planText: string;
  request: string;
}

/** Checks and resolves every request as `dispatch run` would, and writes nothing. */
export function previewDispatch(
  store: TaskStore,
  config: Config,
  requests: DispatchRequest[],
): DispatchPreview[] {
  const planned = new Set<string>();
  return requests.map((request) => {
    const prepared = prepareDispatch(store, config, request);
    const repo = prepared.repository;
    const taken = (id: string) =>
      planned.has(id) ||
      existsSync(join(store.paths.tasks, id)) ||
      (repo !== undefined && worktreeTaken(store.paths, id, repo));
    if (request.id !== undefined && taken(request.id))
      throw new DispatchError('conflict', `a task, worktree or branch "${request.id}" exists`, {
        hint: 'Pick another --id.',
      });
    const id = request.id ?? uniqueTaskId(prepared.title, taken);
    planned.add(id);
    const { meta, choice } = prepared;
    return {
      id,
      title: prepared.title,
      model: meta.model,
      modelVia: prepared.candidates ? 'capability' : choice.via,
      backend: meta.backend,
      alias: meta.alias ?? null,
      capability: meta.capability ?? null,
      candidates: prepared.candidates ?? null,
      worktree: repo
        ? {
            path: worktreePath(store.paths, id),
            branch: taskBranch(id),
            base: repo.head,
            repo: repo.top,
            via: prepared.worktreeVia ?? 'flag',
          }
        : null,
      cwd: meta.cwd,
      priority: meta.priority,
      after: meta.after,
      maxParallel: meta.maxParallel ?? null,
      items: prepared.plan.items.map((item) => item.text),
      planText: prepared.planText,
      request: meta.request,
    };
  });
}
