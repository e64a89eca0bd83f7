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
  models: { name: string; backend: string; id?: string }[];
  /** What the written commands would meet with the installed versions, with the fix. */
  warnings: string[];
}

/**
 * Detects the installed agent CLIs and proposes a config for them, every one with the models it
 * offers (asked from the CLIs at once); undefined when none is installed. Refuses to replace an
 * existing config unless `force`.
 */
export async function proposeConfig(
  ctx: OperationContext,
  options: { force?: boolean },
): Promise<ConfigProposal | undefined> {
  const file = configPath(ctx.env);
  if (existsSync(file) && !options.force) {
    throw new DispatchError('conflict', `${file} already exists`, {
      hint: 'Edit it, or run `dispatch init --force` to replace it (the old file is kept as config.yaml.bak).',
    });
  }
  const detected = detectBackends(ctx.env);
  if (detected.length === 0) return undefined;
  const backends: RenderBackend[] = [];
  const models: { name: string; backend: string; id?: string }[] = [];
  const warnings: string[] = [];
  // The written commands are checked against the installed versions while the CLIs list their
  // models, all at once; what they would reject or what would stop them (Claude Code as root,
  // not logged in) is said now, not when a worker dies.
  const commands = detected.map(({ backend, program }) => defaultCommandFor(backend, program));
  const [offered, checks] = await Promise.all([
    Promise.all(detected.map((found) => offeredModels(found, ctx.env))),
    Promise.all(
      detected.map(({ backend }, index) =>
        checkBackend(
          { name: backend.type, command: commands[index] as string, type: backend.type },
          ctx.env,
        ),
      ),
    ),
  ]);
  detected.forEach(({ backend, program, path, version }, index) => {
    const command = commands[index] as string;
    const check = checks[index] as Awaited<ReturnType<typeof checkBackend>>;
    for (const problem of check.problems)
      warnings.push(`${backend.type}: ${problem.message}\n    fix: ${problem.fix}`);
    backends.push({
      name: backend.type,
      command,
      comment: `${backend.label}${version ? ` ${version}` : ''}, found at ${path}`,
    });
    const ids = offered[index] ?? [];
    if (ids.length === 0)
      warnings.push(
        `${backend.type}: ${program} listed no models\n    fix: add one under models: with backend: ${backend.type} (see docs/config.md).`,
      );
    for (const id of ids) {
      // A model two CLIs offer under the same name stays with the first; the other CLI gets it
      // under a name of its own, so every CLI found has its models.
      const taken = models.some((m) => m.name === id);
      models.push(
        taken
          ? { name: `${backend.type}-${id}`, backend: backend.type, id }
          : { name: id, backend: backend.type },
      );
    }
  });
  if (models.length === 0)
    throw new DispatchError('config', 'found agent CLIs but none of them offers a model', {
      hint: `${detected.map((d) => d.program).join(', ')} listed no models: write the models: section by hand (see docs/config.md).`,
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
