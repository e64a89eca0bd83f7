import { backendOfTask } from '../../core/backends/backend-registry.js';
import type { Config } from '../../core/config/config-types.js';
import { terminalText } from '../../core/text/terminal-text.js';
import type { DispatchResult } from '../../runtime/tasks/dispatch-task.js';
import type { DispatchPreview } from '../../runtime/tasks/preview-dispatch.js';
import { paint } from './style.js';

const VIA: Record<string, string> = {
  text: ' (named in the task)',
  default: ' (default)',
  flag: '',
  capability: '',
};

function modelText(result: DispatchResult): string {
  const { meta } = result;
  if (result.candidates) {
    const via = meta.alias ? ` via ${meta.alias}` : '';
    return result.status.state === 'queued'
      ? `capability ${meta.capability} (${result.candidates.join(' or ')}, whichever is free first)`
      : `${meta.model}${via} (capability ${meta.capability})`;
  }
  return `${meta.model}${VIA[result.choice.via] ?? ''}`;
}

function worktreeLine(result: DispatchResult): string | undefined {
  const tree = result.meta.worktree;
  if (!tree) return undefined;
  const via = result.worktreeVia === 'text' ? ', asked for in the task' : '';
  return `Worktree: ${tree.path} (branch ${tree.branch} from ${tree.base.slice(0, 7)}${via}). Later: dispatch diff ${result.meta.id} · dispatch merge ${result.meta.id}`;
}

function startLine(result: DispatchResult): string {
  const { status, meta } = result;
  if (status.state === 'queued') return `It starts when a slot is free: dispatch status ${meta.id}`;
  if (status.state === 'failed')
    return paint(`The worker did not start: ${terminalText(status.reason ?? '')}`, 'red');
  if (status.state === 'not-started')
    return paint(`It will not start: ${terminalText(status.reason ?? '')}`, 'yellow');
  return `Worker started (pid ${status.pid}). Follow it: dispatch status ${meta.id} · dispatch wait ${meta.id}`;
}

function oneTask(result: DispatchResult): string[] {
  const { meta, status, plan } = result;
  const verb = status.state === 'queued' ? paint('Queued', 'yellow') : 'Dispatched';
  const lines = [
    `${verb} ${paint(meta.id, 'bold')} using ${modelText(result)} on ${meta.backend}. Plan:`,
  ];
  plan.items.forEach((item, index) => lines.push(`  ${index + 1}. ${item.text}`));
  const tree = worktreeLine(result);
  if (tree) lines.push(tree);
  lines.push(startLine(result));
  return lines;
}

function taskLine(result: DispatchResult, width: number): string {
  const { meta, status, plan } = result;
  const state = status.state === 'running' ? `running (pid ${status.pid})` : status.state;
  const tree = meta.worktree ? `  worktree ${meta.worktree.branch}` : '';
  return `  ${meta.id.padEnd(width)}  ${state.padEnd(20)}  ${modelText(result)}, ${plan.items.length} item${plan.items.length === 1 ? '' : 's'}${tree}`;
}

/** What `dispatch run` prints: one task in full, or one line per task of a fan-out. */
export function dispatchedLines(results: DispatchResult[], config: Config): string[] {
  const lines =
    results.length === 1 && results[0]
      ? oneTask(results[0])
      : [
          `Dispatched ${results.length} tasks:`,
          ...results.map((result) =>
            taskLine(result, Math.max(...results.map((r) => r.meta.id.length))),
          ),
          'Follow them: dispatch status · dispatch wait',
        ];
  if (
    config.format === 'builtin' &&
    results.some((r) => backendOfTask(r.meta.backendType).builtIn)
  ) {
    lines.push(
      paint(
        'No config file: using the simulated worker. Run `dispatch init` to use claude, agent, codex or gemini.',
        'dim',
      ),
    );
  }
  return lines;
}

/** What `dispatch run --dry-run` prints. */
export function previewLines(previews: DispatchPreview[]): string[] {
  const lines = [
    `Would dispatch ${previews.length} task${previews.length === 1 ? '' : 's'} (dry run: nothing written, nothing started):`,
  ];
  for (const preview of previews) {
    const model =
      preview.modelVia === 'capability'
        ? `capability ${preview.capability} (${(preview.candidates ?? []).join(' or ')})`
        : `${preview.model}${VIA[preview.modelVia] ?? ''}${preview.alias && preview.alias !== preview.model ? ` via ${preview.alias}` : ''}`;
    lines.push('', `${paint(preview.id, 'bold')} — ${preview.title}`);
    lines.push(`  model     ${model} on ${preview.backend}`);
    lines.push(
      `  worktree  ${preview.worktree ? `${preview.worktree.path} (branch ${preview.worktree.branch}${preview.worktree.via === 'text' ? ', asked for in the task' : ''})` : 'no'}`,
    );
    const order = [
      `priority ${preview.priority}`,
      preview.after.length > 0 ? `after ${preview.after.join(', ')}` : '',
      preview.maxParallel !== null ? `max-parallel ${preview.maxParallel}` : '',
    ].filter(Boolean);
    lines.push(`  queue     ${order.join(', ')}`);
    lines.push('  plan.md');
    for (const line of preview.planText.replace(/\n$/, '').split('\n')) lines.push(`    │ ${line}`);
    if (preview.request.trim() !== '') {
      lines.push('  request (given with the plan)');
      for (const line of preview.request.trim().split('\n')) lines.push(`    │ ${line}`);
    }
  }
  return lines;
}
