import { readRunningUsage } from '../budget/running-usage.js';
import { readdirSync } from 'node:fs';
import { ipcFileName, parseIpcFileName } from '../../core/ipc/ipc-protocol.js';
import type { TaskEvent } from '../../core/task/task-events.js';
import type { WorktreeInfo } from '../../core/task/task-meta.js';
import { summarizeUsage, type UsageSummary } from '../../core/task/task-usage.js';
import type { TaskFiles } from '../paths.js';
import { readEvents, readMeta } from '../store/read-snapshot.js';
import { MAX_QUESTION_BYTES, readTextFile } from '../store/read-text.js';
import { worktreeState, type WorktreeState } from '../worktree/worktree-state.js';

/** The summary shown and returned at most: a long output.md is cut, and says so. */
export const MAX_SUMMARY_BYTES = 64 * 1024;

/** The worker's summary, output.md. */
export interface TaskSummaryFile {
  path: string;
  /** Null when there is none yet, or it cannot be shown (see `problem`). */
  text: string | null;
  truncated: boolean;
  /** Why an output.md that exists cannot be shown (binary, not UTF-8, unreadable). */
  problem: string | null;
}

/** One question of the task and what became of it. */
export interface TaskExchange {
  /** Null for a question a worker that gave up left in the plan. */
  seq: number | null;
  question: string | null;
  answer: string | null;
  askedAt: string | null;
  answeredAt: string | null;
  answeredBy: string | null;
}

/** A worktree task's branch and what it holds that exists nowhere else. */
export interface TaskWorktreeResult extends WorktreeInfo {
  present: boolean;
  /** The branch still exists. */
  branchExists: boolean;
  commitsAhead: number;
  unmergedCommits: number;
  uncommitted: string[];
  /** Everything on the branch is in the current HEAD and nothing is left uncommitted. */
  merged: boolean;
}

/** What a task produced: what `dispatch show` prints and returns. */
export interface TaskResults {
  summary: TaskSummaryFile;
  exchanges: TaskExchange[];
  usage: UsageSummary | null;
  worktree: TaskWorktreeResult | null;
}

export function readSummary(files: TaskFiles): TaskSummaryFile {
  const read = readTextFile(files.output, MAX_SUMMARY_BYTES, { truncate: true });
  if (read.ok)
    return { path: files.output, text: read.text, truncated: read.truncated, problem: null };
  return {
    path: files.output,
    text: null,
    truncated: false,
    problem: read.missing ? null : read.problem,
  };
}

function readIpcText(files: TaskFiles, name: string): string | null {
  const read = readTextFile(files.ipcFile(name), MAX_QUESTION_BYTES, { truncate: true });
  return read.ok ? read.text.trimEnd() : null;
}

function listIpc(files: TaskFiles): string[] {
  try {
    return readdirSync(files.ipc);
  } catch {
    return [];
  }
}

/**
 * The questions of the task, oldest first: the IPC exchanges from their files, and answers given
 * to a question a worker left in the plan (those live in the history only).
 */
export function readExchanges(files: TaskFiles, events: TaskEvent[]): TaskExchange[] {
  const seqs = new Set<number>();
  for (const name of listIpc(files)) {
    const parsed = parseIpcFileName(name);
    if (parsed && parsed.kind !== 'done') seqs.add(parsed.seq);
  }
  const asked = new Map<number, string>();
  const answered = new Map<number, Extract<TaskEvent, { type: 'answered' }>>();
  const planAnswers: TaskExchange[] = [];
  for (const event of events) {
    if (event.type === 'question' && !asked.has(event.seq)) asked.set(event.seq, event.time);
    if (event.type !== 'answered') continue;
    if (event.seq === null)
      planAnswers.push({
        seq: null,
        question: null,
        answer: event.preview,
        askedAt: null,
        answeredAt: event.time,
        answeredBy: event.by,
      });
    else if (!answered.has(event.seq)) answered.set(event.seq, event);
  }
  const exchanges = [...seqs]
    .sort((a, b) => a - b)
    .map((seq): TaskExchange => {
      const event = answered.get(seq);
      return {
        seq,
        question: readIpcText(files, ipcFileName(seq, 'question')),
        answer: readIpcText(files, ipcFileName(seq, 'answer')),
        askedAt: asked.get(seq) ?? null,
        answeredAt: event?.time ?? null,
        answeredBy: event?.by ?? null,
      };
    });
  return [...exchanges, ...planAnswers];
}

export function readWorktree(info: WorktreeInfo): TaskWorktreeResult {
  const state: WorktreeState = worktreeState(info);
  return {
    ...info,
    present: state.present,
    branchExists: state.branch,
    commitsAhead: state.commits,
    unmergedCommits: state.unmerged,
    uncommitted: state.uncommitted,
    merged: state.unmerged === 0 && state.uncommitted.length === 0,
  };
}

/** Reads what a task produced from its files (and, for a worktree task, from git). */
export function readTaskResults(files: TaskFiles): TaskResults {
  const events = readEvents(files);
  const worktree = readMeta(files)?.worktree;
  return {
    summary: readSummary(files),
    exchanges: readExchanges(files, events),
    usage: summarizeUsage(events, readRunningUsage(files.usage)) ?? null,
    worktree: worktree ? readWorktree(worktree) : null,
  };
}
