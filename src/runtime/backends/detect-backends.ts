import { spawnSync } from 'node:child_process';
import type { Backend } from './backend.js';
import { AGENT_BACKENDS } from './backend-registry.js';
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

/** Models Cursor's agent offers (`agent models`), one id per line; empty if it cannot tell. */
export function listCursorModels(program: string): string[] {
  const result = spawnSync(program, ['models'], {
    encoding: 'utf8',
    timeout: 15_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0 || !result.stdout) return [];
  const ids: string[] = [];
  for (const line of result.stdout.split('\n')) {
    // Lines look like "gpt-5 - GPT-5" or "  * sonnet-4.5 (default)"; keep the first token.
    const match = /^\s*(?:[*-]\s+)?([A-Za-z0-9][A-Za-z0-9._/-]*)/.exec(line);
    if (match?.[1] && !/^(available|models?|usage|tip)$/i.test(match[1])) ids.push(match[1]);
  }
  return [...new Set(ids)];
}

/** The models `dispatch init` suggests for each CLI when it cannot ask the CLI itself. */
export const SUGGESTED_MODELS: Record<string, string[]> = {
  claude: ['opus', 'sonnet', 'haiku'],
  codex: ['gpt-5-codex'],
  gemini: ['gemini-2.5-pro', 'gemini-2.5-flash'],
  opencode: [],
  cursor: ['auto'],
};
