import type { TaskStore } from '../store/task-store.js';
import { logTail } from '../tasks/read-log.js';

/** The end of worker.log from the header of this attempt on. */
export function attemptLog(store: TaskStore, id: string, attempt: number): string {
  const lines = logTail(store.files(id).log, 80);
  const header = lines.findLastIndex((line) =>
    line.startsWith(`--- agent-dispatch: attempt ${attempt},`),
  );
  return header < 0 ? '' : lines.slice(header + 1).join('\n');
}
