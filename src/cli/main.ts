import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { formatLocation, isDispatchError } from '../core/errors.js';
import { PACKAGE_ROOT } from '../runtime/package-paths.js';
import { CliContext } from './cli-context.js';
import { registerAnswer } from './commands/answer-command.js';
import { registerAsk } from './commands/ask-command.js';
import { registerCancel } from './commands/cancel-command.js';
import { registerConfig } from './commands/config-command.js';
import { registerDiff } from './commands/diff-command.js';
import { registerDiscard } from './commands/discard-command.js';
import { registerDoctor } from './commands/doctor-command.js';
import { registerInit } from './commands/init-command.js';
import { registerLogs } from './commands/logs-command.js';
import { registerMerge } from './commands/merge-command.js';
import { registerMcp } from './commands/mcp-command.js';
import { registerNote } from './commands/note-command.js';
import { registerRetry } from './commands/retry-command.js';
import { registerRun } from './commands/run-command.js';
import { registerUi } from './commands/ui-command.js';
import { registerSkill } from './commands/skill-command.js';
import { registerList, registerStatus } from './commands/status-command.js';
import { registerWait } from './commands/wait-command.js';
import { registerWatch } from './commands/watch-command.js';
import { warmup } from './commands/warmup-command.js';
import { EXIT, EXIT_CODE_HELP, exitCodeFor } from './exit-codes.js';
import { paint } from './format/style.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(ctx: CliContext): Command {
  const version = packageVersion();
  const program = new Command('dispatch')
    .description(
      'Hand tasks to background AI coding agents (Claude Code, Cursor, Codex, Gemini, any prompt CLI)\nwith a checklist plan; get control back at once; answer their questions; see them finish.',
    )
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText(
      'after',
      `\nQuick start:\n  dispatch run "Review src/auth for security issues"   start a task in the background\n  dispatch wait                                        block until a question or a completion\n  dispatch answer <id> "…"                             answer a worker's question\n  dispatch status                                      everything at a glance\n\n${EXIT_CODE_HELP}`,
    )
    .action(() => warmup(ctx, version));
  registerRun(program, ctx);
  registerStatus(program, ctx);
  registerList(program, ctx);
  registerWait(program, ctx);
  registerWatch(program, ctx);
  registerUi(program, ctx);
  registerAnswer(program, ctx);
  registerNote(program, ctx);
  registerCancel(program, ctx);
  registerRetry(program, ctx);
  registerDiff(program, ctx);
  registerMerge(program, ctx);
  registerDiscard(program, ctx);
  registerLogs(program, ctx);
  registerAsk(program, ctx);
  registerInit(program, ctx);
  registerConfig(program, ctx);
  registerMcp(program, ctx);
  registerSkill(program, ctx);
  registerDoctor(program, ctx);
  for (const command of program.commands)
    command.showHelpAfterError('(add --help for usage and examples)');
  program.exitOverride();
  return program;
}

/** Only this function turns errors into messages and exit codes. */
export async function main(argv: string[]): Promise<number> {
  const ctx = new CliContext();
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
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
      const where = error.location ? `${formatLocation(error.location)}: ` : '';
      const message =
        error.location && error.message.startsWith(error.location.file)
          ? error.message.slice(error.location.file.length).replace(/^:\s*/, '')
          : error.message;
      ctx.err(`${paint('dispatch: error:', 'red', process.stderr.isTTY)} ${where}${message}`);
      if (error.hint) ctx.err(`  ${error.hint}`);
      return exitCodeFor(error.code);
    }
    ctx.err(`dispatch: internal error: ${(error as Error).stack ?? String(error)}`);
    ctx.err('  This is a bug: please report it with the command you ran.');
    return EXIT.internal;
  }
}

const exitCode = await main(process.argv);
process.exitCode = exitCode;
