import { elapsedMs } from '../status/elapsed.js';
import type { TaskState, TaskStatus } from '../status/task-status.js';
import type { UsageSummary } from '../task/task-usage.js';
import type { TaskOutcome } from '../verify/verify-status.js';

/** What a run changed against the commit its worktree started from, uncommitted work included. */
export interface ChangeStat {
  /** Lines added and removed (binary files count 0). */
  added: number;
  removed: number;
  /** The paths touched, in git's order. */
  files: string[];
}

/** One run of a best-of group, side by side with the others (`dispatch compare`). */
export interface ComparisonRow {
  id: string;
  /** The run's number in the group, from 1. */
  index: number;
  model: string | null;
  state: TaskState;
  /** done-verified, done-unverified or verify-failed; null while it runs or when it failed. */
  outcome: TaskOutcome | null;
  /** The latest verify result's last line and exit code, when a verify command ran. */
  verify: { passed: boolean; code: number | null; lastLine: string } | null;
  /** Null when the changes cannot be read any more (worktree and branch removed). */
  changes: ChangeStat | null;
  elapsedMs: number | null;
  /** Tokens the agent CLI reported over all attempts; null when it reported none (unknown). */
  tokens: { input: number; output: number } | null;
  /** Cost the agent CLI reported in US dollars; null when it reported none (unknown, not free). */
  costUsd: number | null;
}

export function comparisonRow(
  status: TaskStatus,
  usage: UsageSummary | undefined,
  changes: ChangeStat | undefined,
  now = Date.now(),
): ComparisonRow {
  const result = status.verify?.result;
  return {
    id: status.id,
    index: status.bestOf?.index ?? 0,
    model: status.model ?? null,
    state: status.state,
    outcome: status.outcome ?? null,
    verify: result ? { passed: result.passed, code: result.code, lastLine: result.lastLine } : null,
    changes: changes ?? null,
    elapsedMs: elapsedMs(status.startedAt, status.endedAt, now) ?? null,
    tokens: usage ? { input: usage.inputTokens, output: usage.outputTokens } : null,
    costUsd: usage?.costUsd ?? null,
  };
}

/** "$0.042", or "unknown" when the CLI did not report a cost: never a made-up $0. */
export function costText(costUsd: number | null): string {
  if (costUsd === null) return 'unknown';
  return `$${costUsd.toFixed(4)}`;
}

/** "12.3k in / 2.1k out", or "unknown" when the CLI did not report tokens. */
export function tokensText(tokens: ComparisonRow['tokens']): string {
  if (!tokens) return 'unknown';
  return `${compactCount(tokens.input)} in / ${compactCount(tokens.output)} out`;
}

/** "+12 -3", or "unknown" when the changes are gone. */
export function changesText(changes: ChangeStat | null): string {
  return changes ? `+${changes.added} -${changes.removed}` : 'unknown';
}

function compactCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** What the verify column says: the outcome, or the state while there is none. */
export function verifyText(row: ComparisonRow): string {
  if (row.outcome === 'done-verified') return 'passed';
  if (row.outcome === 'verify-failed')
    return row.verify?.code !== null && row.verify?.code !== undefined
      ? `failed (exit ${row.verify.code})`
      : 'failed';
  if (row.outcome === 'done-unverified') return 'no command';
  return row.state;
}
