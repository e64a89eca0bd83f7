import { spawnSync } from 'node:child_process';
import type { Backend } from '../../core/backends/backend.js';
import { AGENT_BACKENDS } from '../../core/backends/backend-registry.js';
import { cliFacts } from './cli-facts.js';
import { findOnPath } from './find-on-path.js';

export interface DetectedBackend {
  backend: Backend;
  program: string;
  path: string;
  /** From `<program> --version`, cached per binary; undefined if it did not tell. */
  version: string | undefined;
}

/** The agent CLIs installed on PATH, with their versions. */
export function detectBackends(env: NodeJS.ProcessEnv = process.env): DetectedBackend[] {
  const found: DetectedBackend[] = [];
  for (const backend of AGENT_BACKENDS) {
    for (const program of backend.programs) {
      const path = findOnPath(program, env);
      if (path) {
        found.push({
          backend,
          program,
          path,
          version: cliFacts(path, backend.helpArgs, env).version,
        });
        break;
      }
    }
  }
  return found;
}

/**
 * The models an installed CLI offers, asked from the CLI itself where it can list them, else
 * the backend's suggestions.
 */
export function offeredModels(backend: Backend, program: string): readonly string[] {
  const listing = backend.modelListing;
  if (listing) {
    const result = spawnSync(program, [...listing.args], {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ids = result.status === 0 && result.stdout ? listing.parse(result.stdout) : [];
    if (ids.length > 0) return ids;
  }
  return backend.suggestedModels;
}
