import * as z from 'zod/mini';
import type { Config } from '../core/config/config-types.js';
import { resolveModel } from '../core/config/resolve-model.js';
import { DispatchError } from '../core/errors.js';
import { setDefaultModel } from '../runtime/config-edit.js';
import { configPath } from '../runtime/paths.js';
import { backendAvailable } from '../runtime/tasks/diagnose-failure.js';
import { defineOperation } from './define-operation.js';
import type { OperationContext } from './operation-context.js';

/** The config file in use (it may not exist yet). */
export function configFile(ctx: OperationContext): string {
  return configPath(ctx.env);
}

/** The configuration as understood, and which backends' CLIs are installed. */
export async function readConfig(
  ctx: OperationContext,
): Promise<{ config: Config; ready: (backend: string) => boolean }> {
  await ctx.prepare();
  const config = ctx.config();
  return { config, ready: (backend) => backendAvailable(config, backend) };
}

export const setDefaultInput = z.object({
  model: z.string().check(z.minLength(1, 'give a model or alias name')),
});

export const setDefaultResult = z.object({ name: z.string(), file: z.string() });

/** Makes a model (or alias) the default, editing the config file in place, comments kept. */
export const setDefaultOperation = defineOperation({
  name: 'config set-default',
  input: setDefaultInput,
  result: setDefaultResult,
  run: async (ctx, { model }) => {
    await ctx.prepare();
    const config = ctx.config();
    if (!config.file)
      throw new DispatchError('config', 'there is no config file yet', {
        hint: 'Run `dispatch init` first.',
      });
    const choice = resolveModel(config, { explicit: model });
    const name = choice.alias?.name ?? choice.model.name;
    setDefaultModel(config.file, name);
    return { name, file: config.file };
  },
});
