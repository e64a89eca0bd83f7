import type { Config } from '../core/config/config-types.js';
import { backendAvailable } from '../runtime/tasks/diagnose-failure.js';
import type { ModelsResult } from './api-types.js';

/** The configured models and aliases, with whether each model's CLI is installed. */
export function modelList(config: Config): ModelsResult {
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
      isDefault: alias.name === config.default,
    })),
  };
}
