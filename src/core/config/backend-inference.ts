import { AGENT_BACKENDS } from '../backends/backend-registry.js';
import { genericBackend } from '../backends/generic-backend.js';
import { parseCommand } from '../backends/parse-command.js';
import { isBackendType, type BackendType } from './config-constants.js';
import { SIM_BACKEND } from './config-types.js';

/** The program a command runs, without its folder, skipping an `env` prefix and assignments. */
export function commandProgram(command: string): string | undefined {
  const program = parseCommand(command).program;
  return program ? program.replace(/^.*\//, '') : undefined;
}

/** The kind of a backend: its explicit type, else its name, else the program its command runs. */
export function inferBackendType(
  name: string,
  command: string,
  explicit?: BackendType,
): BackendType {
  if (explicit) return explicit;
  if (isBackendType(name)) return name;
  const program = commandProgram(command);
  const backend = AGENT_BACKENDS.find((b) => program !== undefined && b.programs.includes(program));
  return backend?.type ?? genericBackend.type;
}

/**
 * The backend rule of the original dispatcher: Claude models go to `claude`, OpenAI models to
 * `codex`, the rest to `cursor` (which serves many vendors) — each only when configured. The
 * patterns are the backends' own (`modelPattern`, `servesAnyModel`).
 */
export function inferModelBackend(
  modelId: string,
  backends: readonly string[],
): string | undefined {
  const id = modelId.toLowerCase();
  const configured = AGENT_BACKENDS.filter((b) => backends.includes(b.type));
  const claimed =
    configured.find((b) => b.modelPattern?.test(id)) ?? configured.find((b) => b.servesAnyModel);
  if (claimed) return claimed.type;
  const real = backends.filter((b) => b !== SIM_BACKEND);
  return real.length === 1 ? real[0] : undefined;
}
