import type { DailyBudget } from '../budget/budget.js';
import type { BackendType, NotifyEvent } from './config-schema.js';

export interface BackendConfig {
  name: string;
  command: string;
  type: BackendType;
  /** Its workers run with a home of their own, the operator's instructions and settings hidden. */
  isolate?: boolean;
  /** At most this many of its workers run at once: the config's, else its kind's default. */
  maxParallel?: number;
  /** The limit is the backend kind's default, not set in the config. */
  maxParallelDefault?: boolean;
}

export interface ModelConfig {
  name: string;
  backend: string;
  /** Passed to the CLI as its model argument. */
  id: string;
  /** Old-format agents carry the model in their own command, so nothing is appended. */
  passModel: boolean;
  /** The built-in simulated worker: chosen only by name (--model sim) or as the default. */
  builtin?: boolean;
}

export interface AliasConfig {
  name: string;
  model: string;
  prompt: string | undefined;
  capabilities: string[];
  maxParallel: number | undefined;
  /** Overrides the backend's `isolate` for tasks run through this alias. */
  isolate?: boolean;
  /** The verify command of tasks dispatched through this alias (docs/verify.md). */
  verify: string | undefined;
  /** The budget of each task dispatched through this alias, unless the task names its own. */
  maxCostUsd?: number;
  maxTokens?: number;
}

/** Limits on one routing name's queue, held across every node of the fleet. */
export interface FleetLimit {
  maxParallel: number | undefined;
  /** At most `max` jobs start per `durationMs`. */
  rateLimit: { max: number; durationMs: number } | undefined;
}

export interface NotifyConfig {
  desktop: boolean;
  hooks: Partial<Record<NotifyEvent, string>>;
}

export interface Config {
  /** The file it was read from, or undefined for the built-in configuration. */
  file: string | undefined;
  format: 'new' | 'old' | 'builtin';
  default: string | undefined;
  backends: Record<string, BackendConfig>;
  models: Record<string, ModelConfig>;
  aliases: Record<string, AliasConfig>;
  maxParallel: number | undefined;
  /** The Redis queue of worker nodes that `dispatch run` uses when none is given. */
  queue: string | undefined;
  /** This project's tasks on worker nodes at once: each has a relay process here. */
  maxNodeTasks: number;
  /** Per model, alias or capability: limits a node applies to that queue for the whole fleet. */
  fleetLimits: Record<string, FleetLimit>;
  timeoutMinutes: number;
  stopOnTimeout: boolean;
  /** How long a worker waits for an answer before it writes context.md and exits. */
  fallbackMinutes: number;
  /** The longest one `dispatch ask` waits before it tells the worker to run it again. */
  askSliceSeconds: number;
  /** How long a verify command may run before it is stopped and counts as failed. */
  verifyTimeoutMinutes: number;
  /** What one project may use per calendar day (`daily_budget`); undefined for no limit. */
  dailyBudget?: DailyBudget;
  notify: NotifyConfig;
}

export const DEFAULT_TIMEOUT_MINUTES = 30;
/**
 * A task on worker nodes is followed here by a relay process of about 80 MiB: 32 of them hold
 * 2.5 GiB, where a fan-out of a thousand without a limit would ask for 80 GiB at once.
 */
export const DEFAULT_MAX_NODE_TASKS = 32;
export const DEFAULT_FALLBACK_MINUTES = 3;
export const DEFAULT_VERIFY_TIMEOUT_MINUTES = 10;

/** The simulated worker is always available under this model name unless the config redefines it. */
export const SIM_MODEL = 'sim';
/** The backend of the simulated worker, always configured unless the config redefines it. */
export const SIM_BACKEND = 'sim';
