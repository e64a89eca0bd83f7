import { Command, CommanderError } from 'commander';
import { closestMatch } from '../core/config/closest-match.js';
import { DispatchError, isDispatchError, locatedMessage } from '../core/errors.js';
import { terminalText } from '../core/text/terminal-text.js';
import { fileSystemError } from '../operations/file-system-error.js';
import { packageVersion } from '../operations/package-info.js';
import { CliContext } from './cli-context.js';
import { COMMANDS, commandsFor } from './command-table.js';
import { EXIT, EXIT_CODE_HELP, exitCodeFor } from './exit-codes.js';
import { paint } from '../ui/shared/style.js';

export async function buildProgram(ctx: CliContext, argv: readonly string[]): Promise<Command> {
  const version = packageVersion();
  const program = new Command('dispatch')
    .description(
      'Hand tasks to background AI coding agents (Claude Code, Cursor, Codex, Gemini, any prompt CLI) with a checklist plan; get control back at once; answer their questions; see them finish.',
    )
    .version(version, '-V, --version', 'print the version (so do -v and `dispatch version`)')
    .helpCommand('help [command]', 'show the help of a command, or this list')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `\nQuick start:\n  dispatch run "Review src/auth for security issues"   start a task in the background\n  dispatch wait                                        block until a question or a completion\n  dispatch answer ID                                   answer a worker's question\n  dispatch status                                      everything at a glance\n\n${EXIT_CODE_HELP}`,
    )
    // Words that are no command reach the warm-up action: say so there, with the closest command.
    .allowExcessArguments(true)
    .action(async (_options: unknown, command: Command) => {
      if (command.args.length > 0) throw unknownCommand(command.args);
      await (await import('./commands/warmup-command.js')).warmup(ctx, version);
    });
  for (const entry of commandsFor(argv)) (await entry.load())(program, ctx);
  // Subcommands are made before these settings, so each gets them itself: a usage error in any
  // of them must exit 2 (see the exit-code table), not commander's own 1, which means a timeout.
  program.exitOverride();
  const configure = (command: Command) => {
    command.showHelpAfterError('(add --help for usage and examples)');
    command.exitOverride();
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

function unknownCommand(words: readonly string[]): DispatchError {
  const names = [...COMMANDS.flatMap((entry) => entry.names), 'help'];
  const closest = closestMatch(words[0] ?? '', names);
  const hint = closest
    ? `Did you mean \`dispatch ${closest}\`? See dispatch --help.`
    : `Commands: ${names.join(', ')}. To dispatch a task: dispatch run "${words.join(' ')}"`;
  return new DispatchError('usage', `unknown command "${words[0] ?? ''}"`, { hint });
}

/** `dispatch -v` is what many CLIs answer with their version: the same as `-V` and `version`. */
function spelledOut(argv: string[]): string[] {
  return argv.length === 3 && argv[2] === '-v' ? [...argv.slice(0, 2), '--version'] : argv;
}

/** `dispatch help nosuch`: commander would print the full help and succeed. */
function refuseHelpOfUnknown(program: Command, words: readonly string[]): void {
  const topic = words[3];
  if (words[2] !== 'help' || topic === undefined || topic === 'help') return;
  const known = program.commands.some(
    (command) => command.name() === topic || command.aliases().includes(topic),
  );
  if (!known) throw unknownCommand([topic]);
}

/** Only this function turns errors into messages and exit codes. */
export async function main(argv: string[], ctx = new CliContext()): Promise<number> {
  try {
    await ctx.ops.prepare();
    const words = spelledOut(argv);
    const program = await buildProgram(ctx, words);
    refuseHelpOfUnknown(program, words);
    await program.parseAsync(words);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (caught) {
    // A full or read-only file system is the user's to fix, not a bug: one line naming the file.
    const error = fileSystemError(caught);
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (isDispatchError(error)) {
      // Messages may quote worker text (a question, a plan line): shown, never obeyed.
      ctx.err(
        `${paint('dispatch: error:', 'red', process.stderr.isTTY)} ${terminalText(locatedMessage(error))}`,
      );
      if (error.hint) ctx.err(`  ${terminalText(error.hint)}`);
      return exitCodeFor(error.code);
    }
    ctx.err(`dispatch: internal error: ${(error as Error).stack ?? String(error)}`);
    ctx.err('  This is a bug: please report it with the command you ran.');
    return EXIT.internal;
  }
}
