import type { Backend, FailureCause, RetryProgress } from './backend.js';
import { TOOL_OUTPUT } from './render-helpers.js';

/**
 * How worker.log says that the CLI retries a failed request, for a CLI whose JSON events report
 * it (Claude Code's `api_retry`, Codex's "Reconnecting... 2/5"): one form, so that the retry
 * number is read back the same way for every CLI.
 */
export function retryingLine(
  cli: string,
  what: string,
  progress: { attempt: number; of?: number; delayMs?: number },
): string {
  const of = progress.of ? ` of ${progress.of}` : '';
  const next = progress.delayMs ? `, next in ${(progress.delayMs / 1000).toFixed(1)} s` : '';
  return `[${cli}] retrying: ${what} (attempt ${progress.attempt}${of}${next})`;
}

/**
 * Lines an agent CLI prints about its own trouble while it keeps running: the retrying lines
 * above, Gemini CLI's "Attempt 2 failed with status 429. Retrying with backoff...", opencode's
 * `level=ERROR` log lines, a rendered `[cli] error:` line — not the worker's tool output.
 */
const RETRYING =
  /^(\[[a-z]+\] (retrying|error|warning)\b|ERROR\b|Error\b|.*\blevel=ERROR\b|Attempt \d+ failed)/;

/**
 * The rest of an error a CLI printed over several lines: Gemini CLI prints a stack trace and the
 * error's fields after each failed attempt. Such lines do not count towards the lines looked at.
 */
const CONTINUATION = /^(\s+at |\s+\w+: |[}\])]\s*$)/;

/** How many of the log's last lines (continuations not counted) may hold the retry line. */
const RECENT_LINES = 12;

/** The retry number (and how many the CLI makes) a retry line states, if it states one. */
export function retryProgress(line: string): RetryProgress | undefined {
  const ours = /\(attempt (\d+)(?: of (\d+))?[,)]/.exec(line);
  const gemini = /^Attempt (\d+) failed\b/.exec(line);
  const found = ours ?? gemini;
  if (!found) return undefined;
  const of = ours?.[2] ? Number(ours[2]) : undefined;
  return { attempt: Number(found[1]), ...(of ? { of } : {}) };
}

/**
 * The cause a still-running CLI reports while it retries, from the end of its log: the newest
 * of its own error lines among the last few, if it names a known cause; with the retry number
 * when the line states one. Tool output, as the log filter marks it, is never the CLI's.
 */
export function classifyRetrying(
  backend: Backend,
  lines: readonly string[],
): FailureCause | undefined {
  let seen = 0;
  for (let i = lines.length - 1; i >= 0 && seen < RECENT_LINES; i--) {
    const line = lines[i] as string;
    if (line.startsWith(TOOL_OUTPUT) || !CONTINUATION.test(line)) seen++;
    if (line.startsWith(TOOL_OUTPUT) || !RETRYING.test(line)) continue;
    const cause = backend.classifyFailure(line);
    if (!cause) return undefined;
    const retry = retryProgress(line);
    return retry ? { ...cause, retry } : cause;
  }
  return undefined;
}

/** "retrying: authentication failed, attempt 3 of 10", as status, watch and the dashboard say it. */
export function retryingText(cause: FailureCause): string {
  const retry = cause.retry;
  const attempt = retry ? `, attempt ${retry.attempt}${retry.of ? ` of ${retry.of}` : ''}` : '';
  return `retrying: ${cause.label}${attempt}`;
}
