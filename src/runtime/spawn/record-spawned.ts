import type { TaskMeta } from '../../core/task/task-meta.js';
import type { TaskFiles } from '../paths.js';
import { processStartTime } from '../process/process-info.js';
import type { TaskStore } from '../store/task-store.js';

/** Records the `spawned` event of an attempt's process (a worker, or a node task's relay). */
export function recordSpawned(
  store: TaskStore,
  meta: TaskMeta,
  files: TaskFiles,
  attempt: number,
  pid: number,
): { pid: number; startTime: string | null } {
  const startTime = processStartTime(pid);
  store.appendEvent(meta.id, {
    type: 'spawned',
    attempt,
    pid,
    startTime,
    model: meta.model,
    backend: meta.backend,
    prompt: files.prompt(attempt).slice(files.taskDir.length + 1),
  });
  return { pid, startTime };
}
