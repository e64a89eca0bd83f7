import { existsSync, readFileSync } from 'node:fs';
import { DispatchError } from '../core/errors.js';
import { parseConfig } from '../core/config/parse-config.js';
import type { RenderBackend } from '../core/config/render-config.js';
import { checkBackend } from '../runtime/backends/check-backend.js';
import { defaultCommandFor } from '../core/backends/backend-registry.js';
import { detectBackends, offeredModels } from '../runtime/backends/detect-backends.js';
import { writeConfigFile } from '../runtime/config-edit.js';
import { configPath } from '../runtime/paths.js';
import type { OperationContext } from './operation-context.js';

/** What `dispatch init` found on PATH and would write, before a default is chosen. */
export interface ConfigProposal {
  file: string;
  /** The agent CLIs found, e.g. "claude 2.1.3". */
  found: string[];
  backends: RenderBackend[];
  models: { name: string; backend: string }[];
  /** What the written commands would meet with the installed versions, with the fix. */
  warnings: string[];
}

/**
 * Detects the installed agent CLIs and proposes a config for them; undefined when none is
 * installed. Refuses to replace an existing config unless `force`.
 */
export function proposeConfig(
  ctx: OperationContext,
  options: { force?: boolean },
): ConfigProposal | undefined {
  const file = configPath(ctx.env);
  if (existsSync(file) && !options.force) {
    throw new DispatchError('conflict', `${file} already exists`, {
      hint: 'Edit it, or run `dispatch init --force` to replace it (the old file is kept as config.yaml.bak).',
    });
  }
  const detected = detectBackends(ctx.env);
  if (detected.length === 0) return undefined;
  const backends: RenderBackend[] = [];
  const models: { name: string; backend: string }[] = [];
  const warnings: string[] = [];
  for (const { backend, program, path, version } of detected) {
    const command = defaultCommandFor(backend, program);
    // The written command is checked against the installed version; what it would reject
    // or what would stop it (Claude Code as root) is said now, not when a worker dies.
    const check = checkBackend({ name: backend.type, command, type: backend.type }, ctx.env);
    for (const problem of check.problems)
      warnings.push(`${backend.type}: ${problem.message}\n    fix: ${problem.fix}`);
    backends.push({
      name: backend.type,
      command,
      comment: `${backend.label}${version ? ` ${version}` : ''}, found at ${path}`,
    });
    for (const name of offeredModels(backend, program)) {
      if (!models.some((m) => m.name === name)) models.push({ name, backend: backend.type });
    }
  }
  if (models.length === 0)
    throw new DispatchError('config', 'found agent CLIs but no models to offer', {
      hint: 'Write the models: section by hand (see docs/config.md).',
    });
  return {
    file,
    found: detected.map((d) => `${d.backend.type}${d.version ? ` ${d.version}` : ''}`),
    backends,
    models,
    warnings,
  };
}

/** Writes a new config after checking it parses; an existing one is kept as `.bak`. */
export function writeNewConfig(file: string, text: string): void {
  parseConfig(text, file);
  if (existsSync(file)) writeConfigFile(`${file}.bak`, readFileSync(file, 'utf8'));
  writeConfigFile(file, text);
}
