import type { BackendType } from '../../core/config/config-schema.js';
import type { TokenUsage } from '../../core/task/task-events.js';

/** What made a worker fail to start or die at once, recognised from its log. */
export type FailureKind =
  | 'not-installed'
  | 'auth'
  | 'rate-limit'
  | 'model-unavailable'
  | 'network'
  | 'service-error'
  | 'permission'
  | 'bad-command';

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
};

export interface FailureCause {
  kind: FailureKind;
  /** The kind in words, e.g. "authentication failed". */
  label: string;
  /** The log line that gave it away. */
  evidence: string;
  /** What the user can do about it. */
  advice: string;
}

export interface InvocationInput {
  /** The configured command, a shell-style string. */
  command: string;
  modelId: string;
  passModel: boolean;
  prompt: string;
  /**
   * The task folder (plan, IPC, output), for CLIs that confine their file tools to the working
   * folder and must be told about it; absent when only the argv is shown.
   */
  taskDir?: string;
}

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

/** One agent CLI. Each lives in its own file; nothing else switches on backend names. */
export interface Backend {
  type: BackendType;
  /** Program names to look for on PATH. */
  programs: readonly string[];
  /** The command `dispatch init` writes for it. */
  defaultCommand: string;
  /** Human name for reports. */
  label: string;
  /** How to install it, for "not installed" problems. */
  install: string;
  /** Arguments that print the help listing the options the command uses (for checks). */
  helpArgs: readonly string[];
  invocation(input: InvocationInput): Invocation;
  classifyFailure(log: string): FailureCause | undefined;
  /** Renders the CLI's JSON events; absent when it has no JSON output we read. */
  events?: EventRenderer;
  /** Problems with a configured command that the CLI would reject or that would stall it. */
  checkCommand(command: ParsedCommand, facts: CommandFacts): BackendProblem[];
}
