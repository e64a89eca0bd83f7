import { backendFor } from '../../core/backends/backend-registry.js';
import type { Config } from '../../core/config/config-types.js';
import { ok, type Finding } from './health-check.js';

/**
 * Which workers run with an isolated home, and what their CLI keeps and no longer sees: one
 * line per backend with `isolate: true`, and per alias whose choice differs from its backend's.
 */
export function checkIsolation(config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const backend of Object.values(config.backends)) {
    const isolation = backendFor(backend.type).isolation;
    if (!backend.isolate || !isolation) continue;
    findings.push(
      ok(
        `backend ${backend.name}`,
        `workers run with an isolated home: they keep ${isolation.keeps}; hidden: ${isolation.hides}`,
      ),
    );
  }
  for (const alias of Object.values(config.aliases)) {
    const model = config.models[alias.model];
    const backend = model && config.backends[model.backend];
    if (alias.isolate === undefined || !backend || alias.isolate === (backend.isolate ?? false))
      continue;
    findings.push(
      ok(
        `alias ${alias.name}`,
        alias.isolate
          ? `workers run with an isolated home (backend ${backend.name} does not isolate)`
          : `workers see the operator's own instructions and settings (backend ${backend.name} isolates)`,
      ),
    );
  }
  return findings;
}
