import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { backendOfTask } from '../core/backends/backend-registry.js';
import { appendJsonLine } from '../runtime/fs/append-line.js';
import { LogFilter } from '../runtime/spawn/log-filter.js';
import { writeRunningUsage } from '../runtime/budget/running-usage.js';

/**
 * The log filter process: `node log-filter.js <backend-type> <attempt>` between a worker
 * CLI's standard output and worker.log (see worker-wrapper.ts). It renders the CLI's JSON events
 * as text, appends the `session` event as soon as the CLI names its session (a later attempt
 * resumes it, even when this worker crashes), keeps the attempt's usage so far in usage.json
 * while the CLI reports it (the supervisor enforces budgets from it), and, when the output ends
 * (or the worker is stopped), appends the attempt's `usage` event to
 * $DISPATCH_TASK_DIR/events.jsonl. It never exits early: the CLI must never write into a closed
 * pipe.
 */
const [type, attemptText] = process.argv.slice(2);
const renderer = backendOfTask(type).events;
const filter = renderer ? new LogFilter(renderer) : undefined;
const attempt = Number(attemptText) || 1;
let finished = false;
let sessionRecorded = false;

/** usage.json is rewritten at most this often (the last change is always written). */
const USAGE_WRITE_MS = 250;
let usageWritten = '';
let usageWrittenAt = 0;
let usageTimer: NodeJS.Timeout | undefined;

/** Writes the running usage if it changed: at once, or when the throttle interval has passed. */
function recordRunningUsage(): void {
  const usage = filter?.usage();
  const taskDir = process.env.DISPATCH_TASK_DIR;
  if (!usage || !taskDir || usageTimer) return;
  const text = JSON.stringify(usage);
  if (text === usageWritten) return;
  const wait = usageWrittenAt + USAGE_WRITE_MS - Date.now();
  if (wait > 0) {
    usageTimer = setTimeout(() => {
      usageTimer = undefined;
      recordRunningUsage();
    }, wait);
    return;
  }
  usageWritten = text;
  usageWrittenAt = Date.now();
  try {
    writeRunningUsage(join(taskDir, 'usage.json'), attempt, usage);
  } catch {
    // the task folder is gone; the final usage event says what there is to say
  }
}

/** Appends one event to the task's history; a task folder that is gone has nothing to record. */
function record(event: Record<string, unknown>): void {
  const taskDir = process.env.DISPATCH_TASK_DIR;
  if (!taskDir) return;
  try {
    appendJsonLine(join(taskDir, 'events.jsonl'), event, 0o600);
  } catch {
    // the task folder is gone; nothing to record into
  }
}

function recordSession(): void {
  const session = filter?.session();
  if (sessionRecorded || session === undefined) return;
  sessionRecorded = true;
  record({ type: 'session', time: new Date().toISOString(), attempt, backend: type, session });
}

function write(lines: string[]): void {
  if (lines.length === 0) return;
  try {
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch {
    // worker.log gone: keep reading so the CLI is not killed by SIGPIPE
  }
}

function finish(): void {
  if (finished) return;
  finished = true;
  if (usageTimer) clearTimeout(usageTimer);
  usageTimer = undefined;
  write(filter?.end() ?? []);
  recordSession();
  const usage = filter?.usage();
  // A CLI that failed before its first request reports zeros: nothing was used.
  const used =
    usage && (usage.inputTokens > 0 || usage.outputTokens > 0 || (usage.costUsd ?? 0) > 0);
  if (used) record({ type: 'usage', time: new Date().toISOString(), attempt, ...usage });
}

process.stdout.on('error', () => undefined);
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  write(filter ? filter.line(line) : [line]);
  recordSession();
  recordRunningUsage();
});
lines.on('close', finish);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => {
    finish();
    process.exit(0);
  });
}
