import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { renderConfig, type RenderBackend } from '../../core/config/render-config.js';
import { parseConfig } from '../../core/config/parse-config.js';
import { writeConfigFile } from '../../runtime/config-edit.js';
import { defaultCommandFor } from '../../core/backends/backend-registry.js';
import { detectBackends, offeredModels } from '../../runtime/backends/detect-backends.js';
import { checkBackend } from '../../runtime/backends/check-backend.js';
import { configPath } from '../../runtime/paths.js';
import type { CliContext } from '../cli-context.js';
import { paint } from '../format/style.js';

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
      '\nDetects claude, agent (Cursor), codex, gemini and opencode on PATH; asks Cursor for its models.\n\nExamples:\n  dispatch init\n  dispatch init --default sonnet --yes',
    )
    .action(async (options: InitOptions) => {
      const file = configPath(ctx.env);
      if (existsSync(file) && !options.force) {
        throw new DispatchError('conflict', `${file} already exists`, {
          hint: 'Edit it, or run `dispatch init --force` to replace it (the old file is kept as config.yaml.bak).',
        });
      }
      const detected = detectBackends(ctx.env);
      if (detected.length === 0) {
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
      const backends: RenderBackend[] = [];
      const models: { name: string; backend: string }[] = [];
      const warnings: string[] = [];
      for (const { backend, program, path, version } of detected) {
        const command = defaultCommandFor(backend, program);
        // The written command is checked against the installed version; what it would reject
        // or what would stop it (Claude Code as root) is said now, not when a worker dies.
        const check = checkBackend({ name: backend.type, command, type: backend.type }, ctx.env);
        for (const problem of check.problems)
          warnings.push(`${backend.type}: ${problem.message}\n    fix: ${problem.fix}`);
        backends.push({
          name: backend.type,
          command,
          comment: `${backend.label}${version ? ` ${version}` : ''}, found at ${path}`,
        });
        for (const name of offeredModels(backend, program)) {
          if (!models.some((m) => m.name === name)) models.push({ name, backend: backend.type });
        }
      }
      if (models.length === 0)
        throw new DispatchError('config', 'found agent CLIs but no models to offer', {
          hint: 'Write the models: section by hand (see docs/config.md).',
        });
      const chosen = await chooseDefault(
        models.map((m) => m.name),
        options,
        ctx,
      );
      const text = renderConfig({ backends, models, default: chosen });
      parseConfig(text, file);
      if (existsSync(file)) writeConfigFile(`${file}.bak`, readFileSync(file, 'utf8'));
      writeConfigFile(file, text);
      ctx.out(
        `Wrote ${file}\n  backends: ${detected.map((d) => `${d.backend.type}${d.version ? ` ${d.version}` : ''}`).join(', ')}\n  models:   ${models.map((m) => m.name).join(', ')}\n  default:  ${paint(chosen, 'bold')}`,
      );
      if (warnings.length > 0)
        ctx.err(`${paint('Check before dispatching:', 'yellow')}\n  ${warnings.join('\n  ')}`);
    });
}
