import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { perform } from '../../operations/define-operation.js';
import { listOperation } from '../../operations/list-operation.js';
import type { CliContext } from '../cli-context.js';
import {
  completionScript,
  SHELLS,
  type CompletedCommand,
  type Shell,
} from '../format/completion-scripts.js';

/** What follows a command's name, from its first declared argument. */
function operandOf(command: Command): CompletedCommand['operand'] {
  if (command.name() === 'completion') return { kind: 'words', words: SHELLS };
  const subcommands = command.commands.map((sub) => sub.name());
  if (subcommands.length > 0) return { kind: 'words', words: subcommands };
  const first = command.registeredArguments[0];
  if (first?.name() === 'id') return { kind: 'id' };
  if (first?.name() === 'ids') return { kind: 'ids' };
  return { kind: 'none' };
}

/** Every command the program has, as the scripts complete it (read from the commands themselves). */
function completedCommands(program: Command): CompletedCommand[] {
  const commands: CompletedCommand[] = program.commands.map((command) => ({
    names: [command.name(), ...command.aliases()],
    summary: command.summary() || command.description().split('\n')[0] || '',
    options: command.options
      .filter((option) => !option.hidden)
      .flatMap((option) => [option.long, option.short].filter((flag) => flag !== undefined)),
    operand: operandOf(command),
  }));
  const help: CompletedCommand = {
    names: ['help'],
    summary: 'show the help of a command, or the list of commands',
    options: [],
    operand: { kind: 'words', words: commands.map((command) => command.names[0] as string) },
  };
  return [...commands, help];
}

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .summary('print the shell completion script for bash, zsh or fish')
    .description(
      'Print a script that completes commands, options and task ids when you press Tab.\nTask ids come from the project of the folder you are in.',
    )
    .argument('[shell]', `one of ${SHELLS.join(', ')}`)
    .option('--task-ids', 'print the task ids, one per line (what the scripts call)')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(dispatch completion bash)          # now; add the line to ~/.bashrc to keep it\n  source <(dispatch completion zsh)           # the same, for ~/.zshrc\n  dispatch completion fish > ~/.config/fish/completions/dispatch.fish',
    )
    .action(async (shell: string | undefined, options: { taskIds?: boolean }) => {
      if (options.taskIds) {
        const { tasks } = await perform(listOperation, ctx.ops, {});
        if (tasks.length > 0) ctx.out(tasks.map((task) => task.id).join('\n'));
        return;
      }
      if (!SHELLS.includes(shell as Shell))
        throw new DispatchError(
          'usage',
          shell === undefined ? 'name the shell' : `no completion for the shell "${shell}"`,
          {
            hint: `Run one of: ${SHELLS.map((name) => `dispatch completion ${name}`).join(' · ')}`,
          },
        );
      ctx.out(completionScript(shell as Shell, completedCommands(program)));
    });
}
