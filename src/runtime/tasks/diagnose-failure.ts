import type { Config } from '../../core/config/config-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { FAILURE_LABELS, type FailureCause } from '../../core/backends/backend.js';
import { backendFor, backendOfTask } from '../../core/backends/backend-registry.js';
import { checkStart } from '../backends/start-check.js';
import { findOnPath } from '../backends/find-on-path.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import type { TaskStore } from '../store/task-store.js';
import { logTail } from './read-log.js';

export interface Diagnosis {
  cause: FailureCause | undefined;
  logTail: string[];
  /**
   * Other configured models whose CLI is installed, to retry with. Never the simulated worker for
   * a task a real CLI ran: it would check the items off without doing the work.
   */
  alternatives: string[];
}

/** Whether a backend's workers would start: the sim always, others when the start check passes. */
export function backendAvailable(config: Config, backendName: string): boolean {
  return checkStart(config, backendName).length === 0;
}

/**
 * Why a task's worker failed, from its log (the messages each real CLI prints, see
 * docs/backends.md), with the log tail and the configured models that could take over. When
 * the log names nothing and the task's program is not on PATH, the cause is "not installed".
 */
export function diagnoseFailure(store: TaskStore, config: Config, status: TaskStatus): Diagnosis {
  const files = store.files(status.id);
  const tail = logTail(files.log, 12);
  const meta = store.meta(status.id);
  const backend = backendOfTask(meta?.backendType);
  const cause =
    backend.classifyFailure(logTail(files.log, 60).join('\n')) ??
    (meta && !backend.builtIn ? missingProgram(meta.command) : undefined);
  // The built-in worker is the simulation: never offered to take over a real CLI's task.
  const simulated = (name: string) => {
    const type = config.backends[name]?.type;
    return type !== undefined && backendFor(type).builtIn;
  };
  const alternatives = Object.values(config.models)
    .filter(
      (model) =>
        model.name !== status.model &&
        backendAvailable(config, model.backend) &&
        model.backend !== meta?.backend &&
        (backend.builtIn || !simulated(model.backend)),
    )
    .map((model) => model.name);
  return { cause, logTail: tail, alternatives };
}

function missingProgram(command: string): FailureCause | undefined {
  const program = parseCommand(command).program;
  if (!program || program.includes('$') || findOnPath(program)) return undefined;
  return {
    kind: 'not-installed',
    label: FAILURE_LABELS['not-installed'],
    evidence: `${program} is not on PATH`,
    advice: 'Install the CLI or fix the command in the config, then `dispatch retry`.',
  };
}
