import type { Backend } from '../../core/backends/backend.js';
import { AGENT_BACKENDS } from '../../core/backends/backend-registry.js';
import { cliFacts } from './cli-facts.js';
import { findOnPath } from './find-on-path.js';
import { runProbe } from './run-probe.js';

export interface DetectedBackend {
  backend: Backend;
  program: string;
  path: string;
  /** From `<program> --version`, cached per binary; undefined if it did not tell. */
  version: string | undefined;
}

/** opencode lists its catalogue in about 7 s on an idle machine, several times that on a busy one. */
const LISTING_TIMEOUT_MS = 90_000;

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
 * The models an installed CLI offers, asked from the CLI itself where it can list them (run at
 * `path` with the caller's environment, so its own config and providers count), else the
 * backend's suggestions. Callers ask every CLI at once: a listing can take seconds.
 */
export async function offeredModels(
  detected: DetectedBackend,
  env: NodeJS.ProcessEnv,
): Promise<readonly string[]> {
  const { backend, path } = detected;
  const listing = backend.modelListing;
  if (listing) {
    const result = await runProbe(path, listing.args, { env, timeoutMs: LISTING_TIMEOUT_MS });
    const ids = result.code === 0 ? listing.parse(result.stdout) : [];
    if (ids.length > 0) return ids;
  }
  return backend.suggestedModels;
}
