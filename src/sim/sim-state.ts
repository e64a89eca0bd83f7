import type { PromptInfo } from './prompt-reader.js';

/** What the worker remembers between items: the answers it got and the notes it has shown. */
export interface ReceivedAnswer {
  /** The IPC sequence number, or undefined for an answer carried in a resume prompt. */
  seq: string | undefined;
  question: string;
  answer: string;
}

export interface SimState {
  prompt: PromptInfo;
  answers: ReceivedAnswer[];
  notesSeen: Set<string>;
  /** Time an ordinary item takes (DISPATCH_SIM_STEP_MS). */
  stepMs: number;
  /** Aborted on SIGTERM so a running `dispatch ask` child is stopped too. */
  signal: AbortSignal;
  /** Sent back by a failed verify command: `write-fix:` items write their fixed content. */
  fixing: boolean;
  /** Run with `--format json`: `usage:` items print JSON events, as opencode does. */
  jsonEvents?: boolean;
}

export const DEFAULT_STEP_MS = 100;

export function stepMsFromEnv(value: string | undefined): number {
  const ms = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(ms) && ms >= 0
    ? ms
    : DEFAULT_STEP_MS;
}
