import type { Command } from 'commander';
import { configFile, readConfig, setDefaultOperation } from '../../operations/config-operation.js';
import { perform } from '../../operations/define-operation.js';
import type { CliContext } from '../cli-context.js';

export function registerConfig(program: Command, ctx: CliContext): void {
  const config = program.command('config').summary('show or change the configuration');
  config
    .command('path')
    .description('print the config file in use')
    .action(() => ctx.out(configFile(ctx.ops)));
  config
    .command('show')
    .description('print the configuration as understood (after defaults and inference)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { config: c, ready: installed } = await readConfig(ctx.ops);
      if (options.json) {
        ctx.json(c);
        return;
      }
      const lines = [
        `file:     ${c.file ?? '(none: built-in simulated worker only)'}${c.format === 'old' ? ' (old agents: format)' : ''}`,
        `default:  ${c.default ?? '(none)'}`,
        'models:',
      ];
      for (const model of Object.values(c.models)) {
        const backend = c.backends[model.backend];
        const ready = installed(model.backend) ? 'ready' : 'CLI not found';
        lines.push(
          `  ${model.name.padEnd(16)} ${model.backend.padEnd(8)} ${ready.padEnd(13)} ${backend?.command ?? ''}`,
        );
      }
      const limited = Object.values(c.backends).filter((b) => b.maxParallel !== undefined);
      if (limited.length > 0) {
        lines.push('backend limits:');
        for (const backend of limited)
          lines.push(
            `  ${backend.name.padEnd(16)} max_parallel ${backend.maxParallel}${backend.maxParallelDefault ? ` (default for ${backend.type} backends)` : ''}`,
          );
      }
      const aliases = Object.values(c.aliases);
      if (aliases.length > 0) {
        lines.push('aliases:');
        for (const alias of aliases)
          lines.push(
            `  ${alias.name.padEnd(16)} → ${alias.model}${alias.capabilities.length ? ` [${alias.capabilities.join(', ')}]` : ''}`,
          );
      }
      lines.push(
        `timeout:  ${c.timeoutMinutes} min${c.stopOnTimeout ? ' (stops the worker)' : ''}; fallback after ${c.fallbackMinutes} min (dispatch ask waits ${c.askSliceSeconds} s per run); max_parallel ${c.maxParallel ?? 'unlimited'}, max_node_tasks ${c.maxNodeTasks}`,
      );
      ctx.out(lines.join('\n'));
    });
  config
    .command('set-default')
    .description('make a model the default (edits the file in place, keeping comments)')
    .argument('<model>', 'model or alias name')
    .action(async (model: string) => {
      const { name, file } = await perform(setDefaultOperation, ctx.ops, { model });
      ctx.out(`Default model is now ${name} (${file}).`);
    });
}
