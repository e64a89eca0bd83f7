import type { Command } from 'commander';
import { installSkill, type SkillScope } from '../../operations/install-skill.js';
import { DispatchError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';

interface InstallOptions {
  global?: boolean;
  project?: boolean;
  force?: boolean;
}

export function registerSkill(program: Command, ctx: CliContext): void {
  const skill = program.command('skill').summary('install the Claude Code skill (/dispatch)');
  skill
    .command('install')
    .summary('copy the skill to ~/.claude/skills/dispatch/ or the project')
    .description(
      'Copy the dispatch skill to where Claude Code finds skills: ~/.claude/skills/dispatch/ (--global, the default) or <project>/.claude/skills/dispatch/ (--project). Claude Code then uses it when you ask to dispatch a task, and /dispatch invokes it directly. An installed copy that differs is replaced only with --force.',
    )
    .option('--global', 'for every project: ~/.claude/skills/dispatch/ (default)')
    .option('--project', 'for this project only: <project>/.claude/skills/dispatch/')
    .option('--force', 'replace an installed copy that differs (kept as SKILL.md.bak)')
    .addHelpText(
      'after',
      '\nExamples:\n  dispatch skill install\n  dispatch skill install --project',
    )
    .action((options: InstallOptions) => {
      if (options.global && options.project)
        throw new DispatchError('usage', 'choose --global or --project, not both');
      const scope: SkillScope = options.project ? 'project' : 'global';
      const result = installSkill({ scope, cwd: ctx.cwd, env: ctx.env, force: options.force });
      const changed = result.files.filter((file) => file.action !== 'unchanged');
      const where = scope === 'global' ? 'for every project' : 'for this project';
      const lines = [
        changed.length === 0
          ? `The dispatch skill in ${result.dir} is already up to date (${where}).`
          : `Installed the dispatch skill ${where}: ${result.dir}`,
      ];
      for (const file of changed) lines.push(`  ${file.action} ${file.path}`);
      for (const backup of result.backups) lines.push(`  kept the old copy as ${backup}`);
      if (result.absoluteCommand !== undefined)
        lines.push(
          `Warning: dispatch is not on your PATH, so the skill tells Claude Code to run ${result.absoluteCommand}. To call it by name, put dispatch on PATH (npm install -g . in this clone), then run dispatch skill install --force.`,
        );
      if (changed.length > 0)
        lines.push(
          'Claude Code loads it in new sessions: ask it to dispatch a task, or type /dispatch.',
        );
      ctx.out(lines.join('\n'));
    });
}
