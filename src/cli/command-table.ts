import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

type Register = (program: Command, ctx: CliContext) => void;

interface CommandEntry {
  /** The command's name and aliases, as typed after `dispatch`. */
  names: readonly string[];
  load: () => Promise<Register>;
}

/**
 * Every command, in the order `dispatch --help` lists them. Each is loaded only when it is the
 * one being run (or for the full help), so `dispatch run` does not pay for the MCP SDK, the
 * dashboard or the terminal view.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { names: ['run'], load: async () => (await import('./commands/run-command.js')).registerRun },
  {
    names: ['status'],
    load: async () => (await import('./commands/status-command.js')).registerStatus,
  },
  { names: ['show'], load: async () => (await import('./commands/show-command.js')).registerShow },
  {
    names: ['list', 'ls'],
    load: async () => (await import('./commands/status-command.js')).registerList,
  },
  { names: ['wait'], load: async () => (await import('./commands/wait-command.js')).registerWait },
  {
    names: ['watch'],
    load: async () => (await import('./commands/watch-command.js')).registerWatch,
  },
  { names: ['ui'], load: async () => (await import('./commands/ui-command.js')).registerUi },
  {
    names: ['answer'],
    load: async () => (await import('./commands/answer-command.js')).registerAnswer,
  },
  { names: ['note'], load: async () => (await import('./commands/note-command.js')).registerNote },
  {
    names: ['cancel'],
    load: async () => (await import('./commands/cancel-command.js')).registerCancel,
  },
  {
    names: ['retry'],
    load: async () => (await import('./commands/retry-command.js')).registerRetry,
  },
  {
    names: ['continue'],
    load: async () => (await import('./commands/continue-command.js')).registerContinue,
  },
  { names: ['diff'], load: async () => (await import('./commands/diff-command.js')).registerDiff },
  {
    names: ['merge'],
    load: async () => (await import('./commands/merge-command.js')).registerMerge,
  },
  {
    names: ['discard'],
    load: async () => (await import('./commands/discard-command.js')).registerDiscard,
  },
  {
    names: ['compare'],
    load: async () => (await import('./commands/compare-command.js')).registerCompare,
  },
  { names: ['pick'], load: async () => (await import('./commands/pick-command.js')).registerPick },
  {
    names: ['clean'],
    load: async () => (await import('./commands/clean-command.js')).registerClean,
  },
  { names: ['logs'], load: async () => (await import('./commands/logs-command.js')).registerLogs },
  { names: ['ask'], load: async () => (await import('./commands/ask-command.js')).registerAsk },
  { names: ['init'], load: async () => (await import('./commands/init-command.js')).registerInit },
  {
    names: ['config'],
    load: async () => (await import('./commands/config-command.js')).registerConfig,
  },
  { names: ['node'], load: async () => (await import('./commands/node-command.js')).registerNode },
  {
    names: ['nodes'],
    load: async () => (await import('./commands/nodes-command.js')).registerNodes,
  },
  { names: ['mcp'], load: async () => (await import('./commands/mcp-command.js')).registerMcp },
  {
    names: ['skill'],
    load: async () => (await import('./commands/skill-command.js')).registerSkill,
  },
  {
    names: ['doctor'],
    load: async () => (await import('./commands/doctor-command.js')).registerDoctor,
  },
  {
    names: ['trust'],
    load: async () => (await import('./commands/trust-command.js')).registerTrust,
  },
  {
    names: ['completion'],
    load: async () => (await import('./commands/completion-command.js')).registerCompletion,
  },
  {
    names: ['version'],
    load: async () => (await import('./commands/version-command.js')).registerVersion,
  },
];

/**
 * The commands to register for these arguments: just the one named, none for the bare warm-up
 * or --version, and all of them for help (`dispatch help run` included), completion (whose
 * scripts list every command's options), another flag or an unknown word (so commander can list
 * and suggest).
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const word = argv[2];
  if (word === undefined || word === '--version' || word === '-V') return [];
  if (word === 'help' || word === 'completion') return COMMANDS;
  const named = COMMANDS.find((entry) => entry.names.includes(word));
  return named ? [named] : COMMANDS;
}
