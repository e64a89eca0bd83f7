import type { BackendType } from '../config/config-schema.js';
import type { TokenUsage } from '../task/task-events.js';
import type { IsolatedHome } from './isolated-home.js';
import type { StartFacts } from './start-check.js';

/** What made a worker fail to start or die at once, recognised from its log. */
export type FailureKind =
  | 'not-installed'
  | 'auth'
  | 'rate-limit'
  | 'model-unavailable'
  | 'network'
  | 'service-error'
  | 'permission'
  | 'bad-command'
  | 'daemon-busy';

/** How a cause is named to people (`dispatch status`, `dispatch wait`). */
export const FAILURE_LABELS: Record<FailureKind, string> = {
  'not-installed': 'not installed',
  auth: 'authentication failed',
  'rate-limit': 'rate limit or quota',
  'model-unavailable': 'model not available',
  network: 'service unreachable',
  'service-error': 'service error',
  permission: 'refused to start',
  'bad-command': 'command rejected',
  'daemon-busy': 'claude daemon busy',
};

export interface FailureCause {
  kind: FailureKind;
  /** The kind in words, e.g. "authentication failed". */
  label: string;
  /** The log line that gave it away. */
  evidence: string;
  /** What the user can do about it. */
  advice: string;
  /** Set while the CLI still retries, when its log says which retry this is. */
  retry?: RetryProgress;
  /**
   * A failure that passes by itself (Claude Code's daemon, busy under parallel workers): the
   * supervisor starts the same attempt once more after a short backoff.
   */
  transient?: boolean;
}

/** Which retry of a failed request a CLI is on: Claude Code's "attempt 3 of 10". */
export interface RetryProgress {
  attempt: number;
  /** How many retries the CLI makes in all, when it says. */
  of?: number;
}

export interface InvocationInput {
  /** The configured command, a shell-style string. */
  command: string;
  modelId: string;
  passModel: boolean;
  /** The prompt, for a backend that takes it as an argument (see `promptInput`). */
  prompt: string;
  /**
   * The task folder (plan, IPC, output), for CLIs that confine their file tools to the working
   * folder and must be told about it; absent when only the argv is shown.
   */
  taskDir?: string;
  /**
   * Folders outside the working folder the worker must write to, found by the runtime: a git
   * worktree's own git dir and the repository's common git dir, where `git commit` writes.
   */
  writableDirs?: readonly string[];
  /**
   * Shell words that run the built-in simulated worker (this Node.js and the compiled worker),
   * chosen by the program; the sim backend's `dispatch-sim` stands for them.
   */
  simWorker: string;
}

/**
 * How a CLI receives its prompt. Any user of the machine can read a process's arguments (`ps`),
 * so a CLI that can read the prompt on standard input gets it there, from the task's prompt
 * file; the argument stays for CLIs that offer no other way.
 */
export type PromptInput = 'argument' | 'stdin';

export interface Invocation {
  command: string;
  /** Appended to the command as "$@": separate arguments, never parsed by a shell. */
  args: string[];
  /**
   * The CLI prints JSON events on standard output (added by us or chosen in the command): they
   * go through the log filter, which renders them as text and records usage.
   */
  jsonEvents: boolean;
}

/**
 * How a CLI continues one of its own sessions with a new message, which it reads like a prompt,
 * so the model keeps everything it read and reasoned in that session.
 */
export interface SessionResume {
  /**
   * The invocation that resumes `session`: a validated id (core/task/worker-session.ts), passed
   * as one argument of its own, never through a shell.
   */
  invocation(input: InvocationInput, session: string): Invocation;
  /** What the CLI prints when it cannot open the session (deleted, another home): a new worker takes over. */
  lost: RegExp;
}

/** Reads one JSON event of a CLI's output: lines for worker.log, and usage it reports. */
export interface EventRenderer {
  /** Text lines for worker.log (none to drop the event); updates `state` in place. */
  render(event: Record<string, unknown>, state: RenderState): string[];
}

/** What the log filter keeps between the events of one attempt. */
export interface RenderState {
  /** Usage the CLI reports per turn or step, added up. */
  steps: TokenUsage | undefined;
  /** Usage the CLI reports for the whole session: when present, it replaces the sum of steps. */
  total: TokenUsage | undefined;
  /** Streamed text not yet ended by a newline or another event. */
  text: string;
  /** The session id the CLI named (validated), for a later attempt to resume. */
  session?: string;
  /** Usage per model response, by response id, for a CLI that repeats it across events. */
  messages?: Map<string, TokenUsage>;
}

export interface BackendProblem {
  message: string;
  fix: string;
}

/** A configured command split into words the way a check needs it (not a full shell parser). */
export interface ParsedCommand {
  /** The program's name as written (without an `env` prefix and variable assignments). */
  program: string | undefined;
  /** VAR=value words before the program, including those of an `env` prefix. */
  assignments: Record<string, string>;
  /** The words after the program, quotes removed. */
  args: string[];
}

/** What a static check of a command may use: the installed CLI's facts and the environment. */
export interface CommandFacts {
  version: string | undefined;
  /** Options the installed CLI lists in its help, e.g. "--yolo"; undefined if unknown. */
  flags: ReadonlySet<string> | undefined;
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
}

/**
 * How a CLI says, without a request to its service, whether it has credentials: a subcommand of
 * its own and how to read its answer.
 */
export interface LoginCheck {
  args: readonly string[];
  /** The problem when the answer says it is not logged in; undefined when it is, or unclear. */
  judge(stdout: string, code: number | null): BackendProblem | undefined;
}

/** How a CLI lists the models it offers: the arguments, and the ids in what it prints. */
export interface ModelListing {
  args: readonly string[];
  parse(output: string): string[];
}

/**
 * One agent CLI, as data and pure functions. Each lives in its own file; nothing else switches
 * on backend names. The runtime only finds the program, asks its version and help, and spawns.
 */
export interface Backend {
  type: BackendType;
  /** Program names to look for on PATH; a command running one of them is of this kind. */
  programs: readonly string[];
  /** Runs inside dispatch itself: there is no program to find or to probe. */
  builtIn: boolean;
  /**
   * Model ids of the vendor behind this CLI (the original dispatcher's rule: Claude models go to
   * claude, OpenAI models to codex); a model without a backend goes to the first that matches.
   */
  modelPattern?: RegExp;
  /** Serves models of many vendors: a model no pattern claims goes to it. */
  servesAnyModel?: boolean;
  /** The models `dispatch init` offers when the CLI cannot list its own. */
  suggestedModels: readonly string[];
  /** How the installed CLI lists its models, when it can. */
  modelListing?: ModelListing;
  /** The command `dispatch init` writes for it. */
  defaultCommand: string;
  /** Human name for reports. */
  label: string;
  /** How to install it, for "not installed" problems. */
  install: string;
  /** Arguments that print the help listing the options the command uses (for checks). */
  helpArgs: readonly string[];
  /**
   * How many of its workers run at once when the config sets no `max_parallel` for the backend;
   * absent: no limit. Claude Code's daemon fails under many parallel `claude -p` runs.
   */
  defaultMaxParallel?: number;
  /** How the CLI gets its prompt; with 'stdin', `invocation` leaves the prompt out of `args`. */
  promptInput: PromptInput;
  invocation(input: InvocationInput): Invocation;
  /** How it resumes a session its JSON output named; absent when it cannot. */
  resume?: SessionResume;
  /**
   * How the CLI runs with a home of its own (`isolate: true` in the config); absent when it
   * cannot.
   */
  isolation?: IsolatedHome;
  classifyFailure(log: string): FailureCause | undefined;
  /** Renders the CLI's JSON events; absent when it has no JSON output we read. */
  events?: EventRenderer;
  /**
   * When the CLI's JSON output reports what its work cost in money: after each step ('live'), or
   * once, for the whole session, as it ends ('at-end'). Absent: never (tokens at most), so a cost
   * budget cannot be enforced on it (docs/verify.md, Budgets).
   */
  reportsCost?: 'live' | 'at-end';
  /**
   * Why the CLI would refuse to start under these facts (e.g. Claude Code as root), judged
   * without running it; `where` names the config key to fix. Absent when only PATH matters.
   */
  refusesToStart?(command: ParsedCommand, facts: StartFacts, where: string): BackendProblem[];
  /** How to ask the installed CLI whether it is logged in (the start probe); absent when it cannot say. */
  loginCheck?: LoginCheck;
  /** Problems with a configured command that the CLI would reject or that would stall it. */
  checkCommand(command: ParsedCommand, facts: CommandFacts): BackendProblem[];
}
