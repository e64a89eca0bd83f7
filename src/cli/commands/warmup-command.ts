import { formatSeq } from '../../core/ipc/ipc-protocol.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { perform } from '../../operations/define-operation.js';
import { listOperation } from '../../operations/list-operation.js';
import { modelsOperation } from '../../operations/models-operation.js';
import type { CliContext } from '../cli-context.js';
import { paint } from '../../ui/shared/style.js';

/** `dispatch` alone: is everything ready, and does anything need the user? */
export async function warmup(ctx: CliContext, version: string): Promise<void> {
  const models = await perform(modelsOperation, ctx.ops, { probe: true });
  const lines = [`${paint('agent-dispatch', 'bold')} ${version}`];
  lines.push(
    models.configFile
      ? `config   ${models.configFile}`
      : `config   none yet: only the simulated worker (sim) is available. Run ${paint('dispatch init', 'bold')} to detect agent CLIs.`,
  );
  lines.push('models');
  for (const model of models.models) {
    const mark = model.ready
      ? paint('ready', 'green')
      : paint(`will not start: ${terminalText(model.problem ?? 'unknown cause')}`, 'red');
    const isDefault = model.isDefault ? paint(' (default)', 'bold') : '';
    lines.push(`  ${model.name.padEnd(18)} ${model.backend.padEnd(9)} ${mark}${isDefault}`);
  }
  for (const alias of models.aliases) {
    lines.push(
      `  ${alias.name.padEnd(18)} → ${alias.model}${alias.isDefault ? paint(' (default)', 'bold') : ''}`,
    );
  }
  const { tasks } = await perform(listOperation, ctx.ops, {});
  const active = tasks.filter((s) => ['queued', 'running', 'waiting', 'blocked'].includes(s.state));
  lines.push(`tasks    ${ctx.ops.tasksDir}: ${tasks.length} in all, ${active.length} active`);
  for (const task of tasks) {
    if (!task.question) continue;
    const seq = task.question.seq !== null ? ` ${formatSeq(task.question.seq)}` : '';
    lines.push(
      `  ${paint('question', 'magenta')} ${task.id}${seq}: ${terminalText(task.question.text)}`,
    );
  }
  lines.push('', 'Start a task: dispatch run "what to do"   ·   all commands: dispatch --help');
  ctx.out(lines.join('\n'));
}
