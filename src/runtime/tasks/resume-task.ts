import { readFileSync } from 'node:fs';
import { buildResumePrompt } from '../../core/prompt/worker-prompt.js';
import { DispatchError } from '../../core/errors.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { launchWorker } from '../spawn/launch-worker.js';
import { nextAttempt } from '../scheduler/start-runnable.js';
import { MAX_PLAN_BYTES, readTextFile } from '../store/read-text.js';
import type { TaskStore } from '../store/task-store.js';
import { loadConfig } from '../config-file.js';
import { DEFAULT_FALLBACK_MINUTES } from '../../core/config/config-types.js';

export interface ResumeOptions {
  reason: 'answer' | 'retry';
  answer?: { question: string; text: string };
  previousFailure?: string;
  /** Run the new attempt with another model (retry --model). */
  meta?: TaskMeta;
}

/**
 * Starts a new attempt of a task whose worker has stopped: its prompt carries the plan as it
 * stands, the earlier worker's context.md and, after a fallback, the user's answer.
 */
/** The configured fallback wait; the default when the config cannot be read right now. */
function configuredFallbackMinutes(env: NodeJS.ProcessEnv): number {
  try {
    return loadConfig(env).fallbackMinutes;
  } catch {
    return DEFAULT_FALLBACK_MINUTES;
  }
}

export function resumeTask(store: TaskStore, id: string, options: ResumeOptions): number {
  const files = store.require(id);
  const meta = options.meta ?? store.meta(id);
  if (!meta) {
    throw new DispatchError(
      'state',
      `task ${id} has no task.json (it was made by another dispatcher)`,
      {
        hint: `Dispatch it again: dispatch run --plan-file ${files.plan}`,
      },
    );
  }
  const plan = readTextFile(files.plan, MAX_PLAN_BYTES);
  if (!plan.ok)
    throw new DispatchError('plan', `cannot resume ${id}: ${plan.problem}`, {
      hint: 'Fix or replace plan.md, then try again.',
    });
  let contextText: string | undefined;
  try {
    contextText = readFileSync(files.context, 'utf8');
  } catch {
    contextText = undefined;
  }
  const attempt = nextAttempt(store, id);
  const prompt = buildResumePrompt({
    id,
    title: meta.title,
    paths: files,
    request: meta.request,
    aliasPrompt: meta.aliasPrompt,
    fallbackMinutes: configuredFallbackMinutes(store.env),
    dispatchOnPath: true,
    planText: plan.text,
    contextText,
    answer: options.answer,
    previousFailure: options.previousFailure,
  });
  writeFileAtomic(files.prompt(attempt), prompt, { mode: 0o600 });
  store.appendEvent(id, { type: 'resumed', attempt, reason: options.reason, model: meta.model });
  launchWorker(store, meta, attempt);
  return attempt;
}
