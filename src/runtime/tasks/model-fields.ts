import type { ModelChoice } from '../../core/config/resolve-model.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { workerInvocation } from '../spawn/worker-invocation.js';
import { WRAPPER_NAME, workerWrapperScript } from '../spawn/worker-wrapper.js';

export type ModelFields = Pick<
  TaskMeta,
  | 'model'
  | 'modelId'
  | 'backend'
  | 'backendType'
  | 'command'
  | 'passModel'
  | 'alias'
  | 'aliasPrompt'
  | 'isolate'
>;

/** The task.json fields that say which model, backend and alias run a task. */
export function modelFields(choice: ModelChoice): ModelFields {
  return {
    model: choice.model.name,
    modelId: choice.model.id,
    backend: choice.backend.name,
    backendType: choice.backend.type,
    command: choice.backend.command,
    passModel: choice.model.passModel,
    ...(choice.alias ? { alias: choice.alias.name } : {}),
    ...(choice.alias?.prompt ? { aliasPrompt: choice.alias.prompt } : {}),
    // The alias's choice wins over its backend's.
    ...((choice.alias?.isolate ?? choice.backend.isolate) ? { isolate: true } : {}),
  };
}

/**
 * The argv a worker of this model runs with, the prompt shown as a placeholder (for people). A
 * prompt given on standard input is not an argument: a trailing `<` and the placeholder say so.
 */
export function displayArgv(fields: ModelFields, promptPlaceholder: string): string[] {
  const invocation = workerInvocation(fields, promptPlaceholder);
  return [
    '/bin/sh',
    '-c',
    workerWrapperScript(invocation.command),
    WRAPPER_NAME,
    ...invocation.args,
    ...(invocation.promptInput === 'stdin' ? ['<', promptPlaceholder] : []),
  ];
}
