import * as z from 'zod/mini';
import { backendAvailable } from '../runtime/tasks/diagnose-failure.js';
import { defineOperation } from './define-operation.js';

/** One model a task can run with, from the config. */
export const modelInfo = z.object({
  name: z.string(),
  backend: z.string(),
  /** The backend's CLI is installed (found on PATH), or it is the built-in simulated worker. */
  ready: z.boolean(),
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
  input: z.object({}),
  result: modelsResult,
  run: async (ctx): Promise<ModelsResult> => {
    await ctx.prepare();
    const config = ctx.config();
    return {
      configFile: config.file ?? null,
      default: config.default ?? null,
      models: Object.values(config.models).map((model) => ({
        name: model.name,
        backend: model.backend,
        ready: backendAvailable(config, model.backend),
        isDefault: model.name === config.default,
      })),
      aliases: Object.values(config.aliases).map((alias) => ({
        name: alias.name,
        model: alias.model,
        capabilities: [...alias.capabilities],
        isDefault: alias.name === config.default,
      })),
    };
  },
});
