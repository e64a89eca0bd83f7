import { BACKEND_TYPES, type BackendType } from './config-constants.js';

const PROGRAM_TYPES: Record<string, BackendType> = {
  claude: 'claude',
  agent: 'cursor',
  'cursor-agent': 'cursor',
  codex: 'codex',
  gemini: 'gemini',
  opencode: 'opencode',
};

/** The program a command runs, skipping an `env` prefix with its options and assignments. */
export function commandProgram(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  let i = 0;
  if (words[i] !== undefined && /(^|\/)env$/.test(words[i] as string)) {
    i++;
    while (i < words.length) {
      const word = words[i] as string;
      if (word === '-u' || word === '--unset') i += 2;
      else if (word.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
      else break;
    }
  }
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i++;
  const program = words[i];
  return program ? program.replace(/^.*\//, '').replace(/^["']|["']$/g, '') : undefined;
}

/** The kind of a backend: its explicit type, else its name, else the program its command runs. */
export function inferBackendType(
  name: string,
  command: string,
  explicit?: BackendType,
): BackendType {
  if (explicit) return explicit;
  if ((BACKEND_TYPES as readonly string[]).includes(name)) return name as BackendType;
  const program = commandProgram(command);
  return (program && PROGRAM_TYPES[program]) || 'generic';
}

/**
 * The backend rule of the original dispatcher: Claude models go to `claude`, OpenAI models to
 * `codex`, the rest to `cursor` (which serves many vendors) — each only when configured.
 */
export function inferModelBackend(
  modelId: string,
  backends: readonly string[],
): string | undefined {
  const id = modelId.toLowerCase();
  if (/opus|sonnet|haiku|claude/.test(id) && backends.includes('claude')) return 'claude';
  if (
    /gpt|codex|(^|[^a-z0-9])o1($|[^a-z0-9])|(^|[^a-z0-9])o3($|[^a-z0-9])|o4-mini/.test(id) &&
    backends.includes('codex')
  ) {
    return 'codex';
  }
  if (/gemini/.test(id) && backends.includes('gemini')) return 'gemini';
  if (backends.includes('cursor')) return 'cursor';
  const real = backends.filter((b) => b !== 'sim');
  return real.length === 1 ? real[0] : undefined;
}
