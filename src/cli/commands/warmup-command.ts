import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { backendAvailable } from '../../runtime/tasks/diagnose-failure.js';
import { ensureSupervisorIfActive } from '../supervise.js';
import type { CliContext } from '../cli-context.js';
import { paint } from '../format/style.js';

/** `dispatch` alone: is everything ready, and does anything need the user? */
export function warmup(ctx: CliContext, version: string): void {
  const config = ctx.config;
  const lines = [`${paint('agent-dispatch', 'bold')} ${version}`];
  lines.push(
    config.file
      ? `config   ${config.file}`
      : `config   none yet: only the simulated worker (sim) is available. Run ${paint('dispatch init', 'bold')} to detect agent CLIs.`,
  );
  lines.push('models');
  for (const model of Object.values(config.models)) {
    const ready = backendAvailable(config, model.backend);
    const mark = ready ? paint('ready', 'green') : paint('CLI not found', 'red');
    const isDefault = model.name === config.default ? paint(' (default)', 'bold') : '';
    lines.push(`  ${model.name.padEnd(18)} ${model.backend.padEnd(9)} ${mark}${isDefault}`);
  }
  for (const alias of Object.values(config.aliases)) {
    lines.push(
      `  ${alias.name.padEnd(18)} → ${alias.model}${alias.name === config.default ? paint(' (default)', 'bold') : ''}`,
    );
  }
  const statuses = ctx.store.statuses();
  ensureSupervisorIfActive(ctx, statuses);
  const active = statuses.filter((s) =>
    ['queued', 'running', 'waiting', 'blocked'].includes(s.state),
  );
  lines.push(
    `tasks    ${ctx.store.paths.tasks}: ${statuses.length} in all, ${active.length} active`,
  );
  const questions = statuses.filter((s) => s.question);
  for (const status of questions) {
    const seq = status.question?.seq !== undefined ? ` ${formatSeq(status.question.seq)}` : '';
    lines.push(
      `  ${paint('question', 'magenta')} ${status.id}${seq}: ${terminalText(status.question?.text ?? '')}`,
    );
  }
  lines.push('', 'Start a task: dispatch run "what to do"   ·   all commands: dispatch --help');
  ctx.out(lines.join('\n'));
}
