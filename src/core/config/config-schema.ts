import { z } from 'zod';
import { BACKEND_TYPES } from './config-constants.js';

export {
  BACKEND_TYPES,
  NOTIFY_EVENTS,
  type BackendType,
  type NotifyEvent,
} from './config-constants.js';

/**
 * ~/.dispatch/config.yaml. Two formats are accepted:
 *   new: default + backends (name → command) + models (name → backend) + aliases (name → model)
 *   old: default + agents (name → command), from the first version of the dispatch skill.
 */
const commandString = z.string().trim().min(1, 'a command must not be empty');

const positiveInt = z.number().int().positive();

const backendSchema = z.union([
  commandString,
  z.strictObject({
    command: commandString,
    type: z.enum(BACKEND_TYPES).optional(),
    /** Run its workers with a home of their own (docs/backends.md, Isolated home). */
    isolate: z.boolean().optional(),
    /** At most this many of its workers run at once (claude backends: 3 unless set). */
    max_parallel: positiveInt.optional(),
  }),
]);

const modelSchema = z.union([
  z.null(),
  z.string().trim().min(1),
  z.strictObject({
    backend: z.string().trim().min(1).optional(),
    /** The id given to the CLI as `--model <id>`; the model's name when absent. */
    id: z.string().trim().min(1).optional(),
  }),
]);

const aliasSchema = z.union([
  z.string().trim().min(1),
  z.strictObject({
    model: z.string().trim().min(1),
    prompt: z.string().optional(),
    capabilities: z.array(z.string().trim().min(1)).optional(),
    max_parallel: positiveInt.optional(),
    isolate: z.boolean().optional(),
    verify: z.string().trim().min(1).optional(),
    /** Budget of each task run through the alias (docs/verify.md, Budgets). */
    max_cost_usd: z.number().positive().optional(),
    max_tokens: positiveInt.optional(),
  }),
]);

/** What one project (one `.dispatch/` folder) may use per calendar day, over all its tasks. */
const dailyBudgetSchema = z.strictObject({
  cost_usd: z.number().positive().optional(),
  tokens: positiveInt.optional(),
});

const notifySchema = z.strictObject({
  desktop: z.boolean().optional(),
  question: commandString.optional(),
  completed: commandString.optional(),
  failed: commandString.optional(),
  'timed-out': commandString.optional(),
  cancelled: commandString.optional(),
});

/** `N/second`, `N/minute`, `N/hour`, or `N/Ms` (jobs per M seconds). */
const rateLimitSchema = z
  .string()
  .trim()
  .regex(
    /^[1-9][0-9]*\s*\/\s*(second|minute|hour|[1-9][0-9]*s)$/,
    'expected a rate such as 30/minute, 500/hour or 10/90s',
  );

/** Limits a node applies to the queue of one model, alias or capability, for the whole fleet. */
const fleetLimitSchema = z.strictObject({
  max_parallel: positiveInt.optional(),
  rate_limit: rateLimitSchema.optional(),
});

const common = {
  default: z.string().trim().min(1).optional(),
  /** The Redis queue of worker nodes that `dispatch run` uses (docs/nodes.md). */
  queue: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  fleet_limits: z.record(z.string(), fleetLimitSchema).optional(),
  max_node_tasks: positiveInt.optional(),
  max_parallel: positiveInt.optional(),
  timeout_minutes: z.number().positive().optional(),
  stop_on_timeout: z.boolean().optional(),
  fallback_minutes: z.number().positive().optional(),
  ask_slice_seconds: z.number().positive().optional(),
  verify_timeout_minutes: z.number().positive().optional(),
  daily_budget: dailyBudgetSchema.optional(),
  notify: notifySchema.optional(),
};

export const newConfigSchema = z.strictObject({
  ...common,
  backends: z.record(z.string(), backendSchema).optional(),
  models: z.record(z.string(), modelSchema).optional(),
  aliases: z.record(z.string(), aliasSchema).optional(),
});

export const oldConfigSchema = z.strictObject({
  ...common,
  agents: z.record(z.string(), backendSchema),
});

export type NewConfigInput = z.infer<typeof newConfigSchema>;
export type OldConfigInput = z.infer<typeof oldConfigSchema>;
