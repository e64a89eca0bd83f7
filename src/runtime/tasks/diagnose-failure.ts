import type { BackendType } from '../../core/config/config-schema.js';
import type { Config } from '../../core/config/config-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import type { FailureCause } from '../backends/backend.js';
import { backendFor } from '../backends/backend-registry.js';
import { findOnPath } from '../backends/find-on-path.js';
import { commandProgram } from '../../core/config/backend-inference.js';
import type { TaskStore } from '../store/task-store.js';
import { logTail } from './read-log.js';

export interface Diagnosis {
  cause: FailureCause | undefined;
  logTail: string[];
  /** Other configured models whose CLI is installed, to retry with. */
  alternatives: string[];
}

/** Whether a backend's program can be started: the sim always, others when on PATH. */
export function backendAvailable(config: Config, backendName: string): boolean {
  const backend = config.backends[backendName];
  if (!backend) return false;
  if (backend.type === 'sim') return true;
  const program = commandProgram(backend.command);
  return program !== undefined && findOnPath(program) !== undefined;
}

/**
 * Why a task's worker failed, from its log (the usual messages of each CLI), with the log tail
 * and the configured models that could take over.
 */
export function diagnoseFailure(store: TaskStore, config: Config, status: TaskStatus): Diagnosis {
  const files = store.files(status.id);
  const tail = logTail(files.log, 12);
  const meta = store.meta(status.id);
  const backend = backendFor((meta?.backendType ?? 'generic') as BackendType);
  const cause = backend.classifyFailure(tail.join('\n'));
  const alternatives = Object.values(config.models)
    .filter(
      (model) =>
        model.name !== status.model &&
        backendAvailable(config, model.backend) &&
        model.backend !== meta?.backend,
    )
    .map((model) => model.name);
  return { cause, logTail: tail, alternatives };
}
