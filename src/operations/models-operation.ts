import * as z from 'zod/mini';
import type { BackendProblem } from '../core/backends/backend.js';
import { checkStart } from '../runtime/backends/start-check.js';
import { probeStart } from '../runtime/backends/start-probe.js';
import { defineOperation } from './define-operation.js';

/** One model a task can run with, from the config. */
export const modelInfo = z.object({
  name: z.string(),
  backend: z.string(),
  /** Its workers would start (the backend's start check passes), or it is the simulated worker. */
  ready: z.boolean(),
  /** Why its workers will not start, when they will not. */
  problem: z.optional(z.string()),
  isDefault: z.boolean(),
});

export const modelsResult = z.object({
  /** The config file in use, or null when there is none (only the simulated worker exists). */
  configFile: z.nullable(z.string()),
  default: z.nullable(z.string()),
  models: z.array(modelInfo),
  aliases: z.array(
    z.object({
      name: z.string(),
      model: z.string(),
      /** What the scheduler may pick it for (`--capability`). */
      capabilities: z.array(z.string()),
      isDefault: z.boolean(),
    }),
  ),
});

export type ModelInfo = z.output<typeof modelInfo>;
export type ModelsResult = z.output<typeof modelsResult>;

/** The configured models and aliases, whether each model's CLI is installed, and the default. */
export const modelsOperation = defineOperation({
  name: 'models',
  input: z.object({
    probe: z.optional(
      z
        .boolean()
        .check(
          z.describe(
            'Also run each backend CLI to see that it starts and is logged in (cached; takes seconds the first time)',
          ),
        ),
    ),
  }),
  result: modelsResult,
  run: async (ctx, { probe }): Promise<ModelsResult> => {
    await ctx.prepare();
    const config = ctx.config();
    const backends = [...new Set(Object.values(config.models).map((model) => model.backend))];
    // The static check is instant; the probe runs the CLIs, all at once, and is cached.
    const verdicts = new Map<string, BackendProblem[]>(
      await Promise.all(
        backends.map(async (name): Promise<[string, BackendProblem[]]> => [
          name,
          probe ? await probeStart(config, name, ctx.env) : checkStart(config, name, ctx.env),
        ]),
      ),
    );
    return {
      configFile: config.file ?? null,
      default: config.default ?? null,
      models: Object.values(config.models).map((model) => {
        const problem = verdicts.get(model.backend)?.[0];
        return {
          name: model.name,
          backend: model.backend,
          ready: problem === undefined,
          ...(problem ? { problem: problem.message } : {}),
          isDefault: model.name === config.default,
        };
      }),
      aliases: Object.values(config.aliases).map((alias) => ({
        name: alias.name,
        model: alias.model,
        capabilities: [...alias.capabilities],
        isDefault: alias.name === config.default,
      })),
    };
  },
});
