import { simBackend } from '../backends/sim-backend.js';
import { DEFAULT_ASK_SLICE_SECONDS } from '../ipc/ask-wait.js';
import {
  DEFAULT_FALLBACK_MINUTES,
  DEFAULT_MAX_NODE_TASKS,
  DEFAULT_TIMEOUT_MINUTES,
  DEFAULT_VERIFY_TIMEOUT_MINUTES,
  SIM_BACKEND,
  SIM_MODEL,
  type Config,
} from './config-types.js';

/** The configuration used when there is no config file: only the simulated worker. */
export function builtinConfig(): Config {
  const config = emptyConfig(undefined, 'builtin');
  addSim(config);
  config.default = SIM_MODEL;
  return config;
}

export function emptyConfig(file: string | undefined, format: Config['format']): Config {
  return {
    file,
    format,
    default: undefined,
    backends: {},
    models: {},
    aliases: {},
    maxParallel: undefined,
    queue: undefined,
    maxNodeTasks: DEFAULT_MAX_NODE_TASKS,
    fleetLimits: {},
    timeoutMinutes: DEFAULT_TIMEOUT_MINUTES,
    stopOnTimeout: false,
    fallbackMinutes: DEFAULT_FALLBACK_MINUTES,
    askSliceSeconds: DEFAULT_ASK_SLICE_SECONDS,
    verifyTimeoutMinutes: DEFAULT_VERIFY_TIMEOUT_MINUTES,
    notify: { desktop: false, hooks: {} },
  };
}

/** The built-in `sim` backend and model, unless the user's config defines those names itself. */
export function addSim(config: Config): void {
  config.backends[SIM_BACKEND] ??= {
    name: SIM_BACKEND,
    command: simBackend.defaultCommand,
    type: simBackend.type,
  };
  if (!config.models[SIM_MODEL] && !config.aliases[SIM_MODEL]) {
    config.models[SIM_MODEL] = {
      name: SIM_MODEL,
      backend: SIM_BACKEND,
      id: SIM_MODEL,
      passModel: false,
      builtin: true,
    };
  }
}
