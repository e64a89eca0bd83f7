import type { Invocation, PromptInput } from '../../core/backends/backend.js';
import { backendOfTask } from '../../core/backends/backend-registry.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { shellQuote } from '../../core/text/shell-quote.js';
import { SIM_WORKER_ENTRY } from '../package-paths.js';

/** The task.json fields an invocation is built from. */
export type InvocationFields = Pick<TaskMeta, 'backendType' | 'command' | 'modelId' | 'passModel'>;

/** The built-in simulated worker, run with this very Node.js from the compiled dist/. */
export function simWorkerCommand(): string {
  return `${shellQuote(process.execPath)} ${shellQuote(SIM_WORKER_ENTRY)}`;
}

/**
 * The command and arguments a task's worker runs with, and how it gets its prompt: as the last
 * argument, or on standard input (then `prompt` is not used). With `session` (a validated id of
 * a session the backend can resume), the worker continues that session instead of starting one.
 * `writableDirs` are folders outside the working folder the worker must write (a worktree's git
 * dirs); a backend whose sandbox confines writes adds them.
 */
export function workerInvocation(
  fields: InvocationFields,
  prompt: string,
  taskDir?: string,
  session?: string,
  writableDirs: readonly string[] = [],
): Invocation & { promptInput: PromptInput } {
  const backend = backendOfTask(fields.backendType);
  const input = {
    command: fields.command,
    modelId: fields.modelId,
    passModel: fields.passModel,
    prompt,
    taskDir,
    writableDirs,
    simWorker: simWorkerCommand(),
  };
  const invocation =
    session !== undefined && backend.resume
      ? backend.resume.invocation(input, session)
      : backend.invocation(input);
  return { ...invocation, promptInput: backend.promptInput };
}
