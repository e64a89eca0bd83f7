import type { BackendType } from '../../core/config/config-schema.js';

/** What made a worker fail to start or die at once, recognised from its log. */
export type FailureKind =
  | 'not-installed'
  | 'auth'
  | 'rate-limit'
  | 'model-unavailable'
  | 'network'
  | 'service-error'
  | 'permission';

export interface FailureCause {
  kind: FailureKind;
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
}

export interface Invocation {
  command: string;
  /** Appended to the command as "$@": separate arguments, never parsed by a shell. */
  args: string[];
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
  invocation(input: InvocationInput): Invocation;
  classifyFailure(log: string): FailureCause | undefined;
}
