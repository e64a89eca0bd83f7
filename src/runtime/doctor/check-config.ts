import { backendFor } from '../../core/backends/backend-registry.js';
import { parseCommand } from '../../core/backends/parse-command.js';
import type { Config } from '../../core/config/config-types.js';
import { isDispatchError, locatedMessage } from '../../core/errors.js';
import { findOnPath } from '../backends/find-on-path.js';
import { loadConfig } from '../config-file.js';
import { configPath } from '../paths.js';
import { ok, type Finding } from './health-check.js';

/** Loads the config; a problem is one finding with the file, line and fix. */
export function checkConfig(env: NodeJS.ProcessEnv): {
  config: Config | undefined;
  findings: Finding[];
} {
  try {
    const config = loadConfig(env);
    const where = config.file ?? `${configPath(env)} (not present: built-in simulated worker only)`;
    const findings = [ok('config', `${where} is valid`)];
    if (!config.file)
      findings.push({
        level: 'warn',
        subject: 'config',
        message: 'no config file: only the simulated worker is available',
        fix: 'Run `dispatch init` to detect the agent CLIs you have.',
      });
    return { config, findings };
  } catch (error) {
    if (!isDispatchError(error)) throw error;
    return {
      config: undefined,
      findings: [
        { level: 'error', subject: 'config', message: locatedMessage(error), fix: error.hint },
      ],
    };
  }
}

/** Each configured backend's program must be on PATH. */
export function checkBackendPrograms(config: Config, env: NodeJS.ProcessEnv): Finding[] {
  const findings: Finding[] = [];
  for (const backend of Object.values(config.backends)) {
    if (backendFor(backend.type).builtIn) continue;
    const program = parseCommand(backend.command).program;
    const path = program ? findOnPath(program, env) : undefined;
    const models = Object.values(config.models)
      .filter((m) => m.backend === backend.name)
      .map((m) => m.name);
    if (!models.length) continue;
    if (path)
      findings.push(
        ok(`backend ${backend.name}`, `${program} found at ${path} (models: ${models.join(', ')})`),
      );
    else {
      findings.push({
        level: 'error',
        subject: `backend ${backend.name}`,
        message: `${program ?? 'its program'} is not on PATH, so ${models.join(', ')} cannot start`,
        fix: `Install ${program ?? 'the CLI'}, or fix \`command:\` of backends.${backend.name} in ${config.file ?? 'the config'}.`,
      });
    }
  }
  return findings;
}
