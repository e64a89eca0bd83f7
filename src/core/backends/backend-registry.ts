import { isBackendType, type BackendType } from '../config/config-constants.js';
import type { Backend } from './backend.js';
import { claudeBackend } from './claude-backend.js';
import { codexBackend } from './codex-backend.js';
import { cursorBackend } from './cursor-backend.js';
import { geminiBackend } from './gemini-backend.js';
import { genericBackend } from './generic-backend.js';
import { opencodeBackend } from './opencode-backend.js';
import { simBackend } from './sim-backend.js';

const BACKENDS: Record<BackendType, Backend> = {
  claude: claudeBackend,
  cursor: cursorBackend,
  codex: codexBackend,
  gemini: geminiBackend,
  opencode: opencodeBackend,
  generic: genericBackend,
  sim: simBackend,
};

export function backendFor(type: BackendType): Backend {
  return BACKENDS[type];
}

/**
 * The backend a task records in task.json (a string read from a file): a kind this version does
 * not know runs as a generic CLI, which gets only the prompt.
 */
export function backendOfTask(type: string | undefined): Backend {
  return type !== undefined && isBackendType(type) ? BACKENDS[type] : genericBackend;
}

/** The agent CLIs worth detecting, in the order `dispatch init` offers them. */
export const AGENT_BACKENDS: readonly Backend[] = [
  claudeBackend,
  cursorBackend,
  codexBackend,
  geminiBackend,
  opencodeBackend,
];

/** The command `dispatch init` writes for a backend found as `program` (`cursor-agent`, not `agent`). */
export function defaultCommandFor(backend: Backend, program: string): string {
  const [usual] = backend.programs;
  if (usual === undefined || program === usual) return backend.defaultCommand;
  return backend.defaultCommand.replace(usual, program);
}
