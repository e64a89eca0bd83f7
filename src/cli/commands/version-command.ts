import type { Command } from 'commander';
import { packageVersion } from '../../operations/package-info.js';
import type { CliContext } from '../cli-context.js';

export function registerVersion(program: Command, ctx: CliContext): void {
  program
    .command('version')
    .summary('print the version (also -v, -V, --version)')
    .action(() => ctx.out(packageVersion()));
}
