import { backendFor } from '../../core/backends/backend-registry.js';
import type { Config } from '../../core/config/config-types.js';
import { isDispatchError, locatedMessage } from '../../core/errors.js';
import { locateProgram } from '../backends/start-check.js';
import { probeStart } from '../backends/start-probe.js';
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

/**
 * Each configured backend that models use must start: its program on PATH, nothing the CLI
 * refuses to run under (e.g. Claude Code as root without IS_SANDBOX=1), a command that does not
 * exit at once, and a CLI that is logged in (probeStart; all backends probed together, cached).
 */
export async function checkBackendsStart(
  config: Config,
  env: NodeJS.ProcessEnv,
): Promise<Finding[]> {
  const used = Object.values(config.backends)
    .filter((backend) => !backendFor(backend.type).builtIn)
    .map((backend) => ({
      backend,
      models: Object.values(config.models)
        .filter((m) => m.backend === backend.name)
        .map((m) => m.name),
    }))
    .filter(({ models }) => models.length > 0);
  const verdicts = await Promise.all(
    used.map(({ backend }) => probeStart(config, backend.name, env)),
  );
  const findings: Finding[] = [];
  used.forEach(({ backend, models }, index) => {
    const problems = verdicts[index] ?? [];
    if (!problems.length) {
      const location = locateProgram(backend.command, env);
      const where = location.state === 'found' ? ` at ${location.path}` : '';
      findings.push(
        ok(`backend ${backend.name}`, `will start${where} (models: ${models.join(', ')})`),
      );
    }
    for (const problem of problems)
      findings.push({
        level: 'error',
        subject: `backend ${backend.name}`,
        message: `${problem.message}, so ${models.join(', ')} will not start`,
        fix: problem.fix,
      });
  });
  return findings;
}
