import { formatSeq } from './ipc-protocol.js';

/**
 * How `dispatch ask` waits: in slices shorter than any agent CLI's tool limit (Claude Code's Bash
 * tool stops waiting at 120 s, opencode's bash tool kills its command at 120 s), while the whole
 * wait, counted from when the question was written, still ends after the task's fallback time.
 * Asking the same question again re-attaches to it, so a slice that ends costs nothing.
 */

/** A slice well under the 120 s tool limits of the agent CLIs. */
export const DEFAULT_ASK_SLICE_SECONDS = 90;

/** The exit status of `dispatch ask` when a slice ended without an answer (EX_TEMPFAIL). */
export const ASK_AGAIN_EXIT_CODE = 75;

/** A waiting `dispatch ask` rewrites its lease this often… */
export const ASK_LEASE_RENEW_MS = 5_000;
/** …and a lease older than this is stale: whoever held it stopped waiting. */
export const ASK_LEASE_TTL_MS = 15_000;

/** The lease a waiting `dispatch ask` keeps fresh, in the task folder's `asking/`. */
export function askLeaseName(seq: number): string {
  return `${formatSeq(seq)}.waiting`;
}

/** Marks when an attempt's worker began to wait for a question, in `asking/`. */
export function askStartName(seq: number, attempt: string): string {
  // The attempt comes from the environment: only digits make it into a file name.
  return `${formatSeq(seq)}.attempt-${/^\d{1,9}$/.test(attempt) ? attempt : '0'}`;
}

export type AskSlice =
  /** Wait this long; `last` when the fallback time ends with this slice. */
  | { kind: 'wait'; waitMs: number; last: boolean }
  /** The fallback time has passed since the question was written. */
  | { kind: 'expired' };

/** The next slice of the wait for a question written at `askedAtMs`. */
export function nextAskSlice(input: {
  askedAtMs: number;
  nowMs: number;
  totalMs: number;
  sliceMs: number;
}): AskSlice {
  const left = input.askedAtMs + input.totalMs - input.nowMs;
  if (left <= 0) return { kind: 'expired' };
  // A clock set back (or a question file dated in the future) never makes one slice longer.
  const waitMs = Math.min(input.sliceMs, left);
  return { kind: 'wait', waitMs, last: left <= input.sliceMs };
}

export interface AskedQuestion {
  seq: number;
  text: string;
  hasAnswer: boolean;
  hasAck: boolean;
}

/** Questions compare by their text without surrounding white space. */
function sameText(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/**
 * The question an ask re-attaches to instead of writing a new one: the oldest question with the
 * same text whose answer the worker has not acknowledged yet (unanswered, or answered while no
 * `dispatch ask` was waiting). Undefined: write a new question.
 */
export function questionToReattach(
  questions: readonly AskedQuestion[],
  text: string,
): AskedQuestion | undefined {
  return [...questions]
    .sort((a, b) => a.seq - b.seq)
    .find((question) => !question.hasAck && sameText(question.text, text));
}

/** Whether a lease last written at `mtimeMs` is still held at `nowMs`. */
export function isLeaseFresh(mtimeMs: number, nowMs: number): boolean {
  const age = nowMs - mtimeMs;
  // A little tolerance for a lease dated just ahead of this clock.
  return age < ASK_LEASE_TTL_MS && age > -ASK_LEASE_RENEW_MS;
}

/** "90 s", "3 min", "2 min 30 s": for the lines a model reads. */
export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** The line `dispatch ask` prints when a slice ends without an answer. */
export function askAgainLine(seq: number, waitedMs: number, totalMs: number): string {
  return `No answer yet to question ${formatSeq(seq)} (waited ${formatWait(waitedMs)} of ${formatWait(totalMs)}); run the same command again to keep waiting.`;
}
