import type { RunOutcome, RunPreview, RunResult } from '../../operations/run-operation.js';
import { terminalText } from '../../core/text/terminal-text.js';
import { paint } from '../../ui/shared/style.js';
import { modelOnBackend } from '../../core/backends/model-on-backend.js';

const VIA: Record<string, string> = {
  text: ' (named in the task)',
  default: ' (default)',
  flag: '',
  capability: '',
};

function modelText(result: RunResult, withBackend = false): string {
  const on = (model: string | null) =>
    withBackend ? modelOnBackend(model ?? '?', result.backend) : (model ?? '?');
  if (result.candidates) {
    const via = result.alias ? ` via ${result.alias}` : '';
    return result.state === 'queued'
      ? `capability ${result.capability} (${result.candidates.join(' or ')}, whichever is free first)`
      : `${on(result.model)}${via} (capability ${result.capability})`;
  }
  return `${on(result.model)}${VIA[result.modelVia] ?? ''}`;
}

function worktreeLine(result: RunResult): string | undefined {
  const tree = result.worktree;
  if (!tree) return undefined;
  const via = result.worktreeVia === 'text' ? ', asked for in the task' : '';
  return `Worktree: ${tree.path} (branch ${tree.branch} from ${tree.base.slice(0, 7)}${via}). Later: dispatch diff ${result.id} · dispatch merge ${result.id}`;
}

function startLine(result: RunResult): string {
  if (result.state === 'queued')
    return `It starts when a slot is free: dispatch status ${result.id}`;
  if (result.state === 'failed')
    return paint(`The worker did not start: ${terminalText(result.reason ?? '')}`, 'red');
  if (result.state === 'not-started')
    return paint(`It will not start: ${terminalText(result.reason ?? '')}`, 'yellow');
  return `Worker started (pid ${result.pid}). Follow it: dispatch status ${result.id} · dispatch wait ${result.id}`;
}

function oneTask(result: RunResult): string[] {
  const verb = result.state === 'queued' ? paint('Queued', 'yellow') : 'Dispatched';
  const lines = [`${verb} ${paint(result.id, 'bold')} using ${modelText(result, true)}. Plan:`];
  result.items.forEach((item, index) => lines.push(`  ${index + 1}. ${item}`));
  const tree = worktreeLine(result);
  if (tree) lines.push(tree);
  lines.push(startLine(result));
  return lines;
}

function taskLine(result: RunResult, width: number): string {
  const state = result.state === 'running' ? `running (pid ${result.pid})` : result.state;
  const tree = result.worktree ? `  worktree ${result.worktree.branch}` : '';
  return `  ${result.id.padEnd(width)}  ${state.padEnd(20)}  ${modelText(result)}, ${result.items.length} item${result.items.length === 1 ? '' : 's'}${tree}`;
}

/** What `dispatch run` prints: one task in full, or one line per task of a fan-out. */
export function dispatchedLines(outcome: RunOutcome): string[] {
  const results = outcome.tasks;
  const group = results[0]?.bestOf?.group;
  const lines =
    group !== undefined
      ? [
          `Dispatched best of ${results.length}, group ${paint(group, 'bold')}, each run in a worktree of its own:`,
          ...results.map((result) =>
            taskLine(result, Math.max(...results.map((r) => r.id.length))),
          ),
          `Wait for all of them: dispatch wait ${group} · then: dispatch compare ${group} · dispatch pick ${group} N`,
        ]
      : results.length === 1 && results[0]
        ? oneTask(results[0])
        : [
            `Dispatched ${results.length} tasks:`,
            ...results.map((result) =>
              taskLine(result, Math.max(...results.map((r) => r.id.length))),
            ),
            'Follow them: dispatch status · dispatch wait',
          ];
  if (outcome.configNotice) {
    lines.push(
      paint(
        'No config file: using the simulated worker. Run `dispatch init` to use claude, agent, codex, gemini or opencode.',
        'dim',
      ),
    );
  }
  return lines;
}

/** The dry run's model line: the backend after the model, unless it only repeats it. */
function modelOnBackendText(text: string, model: string | null, backend: string): string {
  return model === backend ? text : `${text} on ${backend}`;
}

/** What `dispatch run --dry-run` prints. */
export function previewLines(previews: RunPreview[]): string[] {
  const lines = [
    `Would dispatch ${previews.length} task${previews.length === 1 ? '' : 's'} (dry run: nothing written, nothing started):`,
  ];
  for (const preview of previews) {
    const model =
      preview.modelVia === 'capability'
        ? `capability ${preview.capability} (${(preview.candidates ?? []).join(' or ')})`
        : `${preview.model}${VIA[preview.modelVia] ?? ''}${preview.alias && preview.alias !== preview.model ? ` via ${preview.alias}` : ''}`;
    lines.push('', `${paint(preview.id, 'bold')} — ${preview.title}`);
    lines.push(`  model     ${modelOnBackendText(model, preview.model, preview.backend)}`);
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
