import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { renderConfig } from '../../core/config/render-config.js';
import { proposeConfig, writeNewConfig } from '../../operations/init-operation.js';
import type { CliContext } from '../cli-context.js';
import { paint } from '../../ui/shared/style.js';

interface InitOptions {
  default?: string;
  yes?: boolean;
  force?: boolean;
}

const EXAMPLE = `default: opus
backends:
  claude:
    command: env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions
  cursor:
    command: agent -p --force --workspace "$(pwd)"
models:
  opus: { backend: claude }
  sonnet: { backend: claude }
  gpt-5.3-codex: { backend: cursor }`;

async function chooseDefault(
  models: string[],
  options: InitOptions,
  ctx: CliContext,
): Promise<string> {
  if (options.default) {
    if (!models.includes(options.default)) {
      throw new DispatchError(
        'usage',
        `--default ${options.default} is not one of the detected models`,
        { hint: `Pick one of: ${models.join(', ')}.` },
      );
    }
    return options.default;
  }
  if (options.yes || !process.stdin.isTTY || !process.stdout.isTTY) {
    const first = models[0] as string;
    if (!options.yes)
      ctx.err(
        `No terminal to ask on: using ${first} as the default (pass --default MODEL to choose).`,
      );
    return first;
  }
  const { default: select } = await import('@inquirer/select');
  return select({
    message: 'Default model for tasks that name none:',
    choices: models.map((value) => ({ value, name: value })),
  });
}

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .summary('detect the installed agent CLIs and write ~/.dispatch/config.yaml')
    .option(
      '--default <model>',
      'the default model (otherwise asked on a terminal, or the first one found)',
    )
    .option('-y, --yes', 'accept the suggestions without asking')
    .option('--force', 'replace an existing config (the old one is kept as config.yaml.bak)')
    .addHelpText(
      'after',
      '\nDetects claude, agent (Cursor), codex, gemini and opencode on PATH; asks Cursor and\nopencode for the models they offer (that can take several seconds). Every CLI found gets its\nmodels; a name two CLIs offer is kept by the first, the other gets it as BACKEND-NAME.\n\nExamples:\n  dispatch init\n  dispatch init --default sonnet --yes',
    )
    .action(async (options: InitOptions) => {
      const proposal = await proposeConfig(ctx.ops, { force: options.force });
      if (!proposal) {
        ctx.out(
          [
            'No agent CLI found on PATH (looked for claude, agent, codex, gemini, opencode).',
            'Install one, then run `dispatch init` again. A config looks like this:',
            '',
            EXAMPLE.replace(/^/gm, '  '),
            '',
            'Meanwhile the simulated worker needs nothing installed:',
            '  dispatch run --model sim --item "ask: Which name should I use?" --item "Write output.md"',
          ].join('\n'),
        );
        return;
      }
      const { file, backends, models, warnings } = proposal;
      const chosen = await chooseDefault(
        models.map((m) => m.name),
        options,
        ctx,
      );
      writeNewConfig(file, renderConfig({ backends, models, default: chosen }));
      ctx.out(
        `Wrote ${file}\n  backends: ${proposal.found.join(', ')}\n  models:   ${models.map((m) => m.name).join(', ')}\n  default:  ${paint(chosen, 'bold')}`,
      );
      if (warnings.length > 0)
        ctx.err(`${paint('Check before dispatching:', 'yellow')}\n  ${warnings.join('\n  ')}`);
    });
}
