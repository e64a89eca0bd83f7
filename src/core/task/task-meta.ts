import type { TaskBudget } from '../budget/budget.js';
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Where a task dispatched to a queue of worker nodes went (docs/nodes.md). */
export interface QueueInfo {
  /** The queue's Redis URL without its password. */
  url: string;
  /** The repository the node clones: origin's URL, or the project folder without one. */
  repository: string;
  /** The commit the node's worktree starts from (HEAD when dispatched). */
  commit: string;
  /**
   * Rounds of `--iterate` the node gives its own verify command (its alias's `verify:`); a
   * verify command line never travels to a node.
   */
  iterate?: number;
  /** The task's budget, enforced by the node's supervisor (`--max-cost`, `--max-tokens`). */
  budget?: TaskBudget;
}

export interface WorktreeInfo {
  path: string;
  branch: string;
  /** Commit the branch started from. */
  base: string;
  /** The repository the worktree belongs to (its top level). */
  repo: string;
}

/**
 * The command that checks a task's work once its worker says it is done (docs/verify.md): the
 * user's own command line, from `--verify` or the alias's `verify:`, run with `sh -c`.
 */
export interface VerifySpec {
  command: string;
  /** The verify command is stopped after this long and counts as failed. */
  timeoutMinutes: number;
  /** How many times a failed verify sends the worker back with its output (`--iterate`). */
  iterate: number;
  /** Where the command came from. */
  source: 'flag' | 'alias';
}

/**
 * A task that is one of several runs of the same request (`dispatch run --best-of N`): the
 * children of group `fix-parser` are `fix-parser.1` … `fix-parser.N`, each in its own worktree,
 * compared with `dispatch compare` and one of them kept with `dispatch pick` (docs/verify.md).
 */
export interface BestOfInfo {
  /** The group's id, which names no task folder of its own. */
  group: string;
  /** This run's number in the group, from 1. */
  index: number;
  /** How many runs the group has. */
  of: number;
}

/** task.json: what was asked. Written once when the task is created, never changed after. */
export interface TaskMeta {
  version: 1;
  id: string;
  title: string;
  /** The user's request as given (context for the worker), or empty when only items were given. */
  request: string;
  model: string;
  /** The model id handed to the CLI (`--model <id>`), which may differ from the configured name. */
  modelId: string;
  backend: string;
  /** The backend kind (claude, cursor, codex, gemini, opencode, generic, sim). */
  backendType: string;
  /** The configured command the worker runs, before the prompt and model arguments. */
  command: string;
  /** Whether the model id is passed to the CLI (old-format agents name it in their command). */
  passModel: boolean;
  /**
   * The full argv the worker runs with, the prompt shown as <prompt.md> (after a `<` when it goes
   * on standard input); for people, not re-run.
   */
  argv: string[];
  /** The alias the model was chosen through, if any. */
  alias?: string;
  /** Text appended from the alias, if the model was chosen through one. */
  aliasPrompt?: string;
  /**
   * The worker runs with a home of its own inside the task folder (the backend's or alias's
   * `isolate: true`): the CLI keeps its credentials but not the operator's instructions and
   * settings. Every attempt of the task uses the same home, so its sessions can be resumed.
   */
  isolate?: boolean;
  cwd: string;
  worktree?: WorktreeInfo;
  /** Run by a worker node through this queue rather than on this machine. */
  queue?: QueueInfo;
  priority: Priority;
  capability?: string;
  after: string[];
  /** Start only while fewer than this many tasks of the root run. */
  maxParallel?: number;
  timeoutMinutes: number;
  /** How long the worker waits for an answer in all (`fallback_minutes` when dispatched). */
  fallbackMinutes?: number;
  /** The longest one `dispatch ask` waits (`ask_slice_seconds` when dispatched). */
  askSliceSeconds?: number;
  /** Checked after the worker finishes, when a verify command was given. */
  verify?: VerifySpec;
  /** One run of a best-of-N group. */
  bestOf?: BestOfInfo;
  /** Limits on what the task's worker may use; its worker is stopped past them. */
  budget?: TaskBudget;
  createdAt: string;
  /**
   * HMAC-SHA256 of everything above, made with the user's private key (docs/protocol.md, Trust):
   * only a task whose MAC verifies is ever started, resumed or signalled.
   */
  mac?: string;
}
