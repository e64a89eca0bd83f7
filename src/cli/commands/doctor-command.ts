import type { Command } from 'commander';
import { perform } from '../../operations/define-operation.js';
import { doctorOperation, type Finding } from '../../operations/doctor-operation.js';
import type { CliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { paint } from '../../ui/shared/style.js';

const MARK: Record<Finding['level'], string> = {
  ok: paint('✓', 'green'),
  warn: paint('!', 'yellow'),
  error: paint('✗', 'red'),
};

export function registerDoctor(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .summary('check the config, the agent CLIs and the task folders, and say how to fix problems')
    .option(
      '--fix',
      'repair what is safe to repair: leftover temp files and staging folders, stale locks, stray workers, a missing supervisor',
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit status: 0 when nothing is wrong (warnings allowed), 8 when a problem needs you.\n\nExamples:\n  dispatch doctor\n  dispatch doctor --fix',
    )
    .action(async (options: { fix?: boolean; json?: boolean }) => {
      const { findings } = await perform(doctorOperation, ctx.ops, { fix: options.fix });
      if (options.json) ctx.json(findings);
      else {
        const lines = findings.map(
          (f) =>
            `${MARK[f.level]} ${f.subject}: ${f.message}${f.fix && f.level !== 'ok' ? `\n    ${paint(f.fix, 'dim')}` : ''}`,
        );
        const errors = findings.filter((f) => f.level === 'error').length;
        const warnings = findings.filter((f) => f.level === 'warn').length;
        lines.push(
          '',
          errors
            ? paint(`${errors} problem(s), ${warnings} warning(s)`, 'red')
            : warnings
              ? `${warnings} warning(s), no problems`
              : paint('All good.', 'green'),
        );
        ctx.out(lines.join('\n'));
      }
      // A config that cannot be used is a config error (5) like in every other command.
      if (findings.some((f) => f.level === 'error' && f.subject === 'config'))
        process.exitCode = EXIT.config;
      else if (findings.some((f) => f.level === 'error')) process.exitCode = EXIT.unhealthy;
    });
}
