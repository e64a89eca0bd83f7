import type {
  AnswerResult,
  CleanResult,
  CompareResult,
  ContinueResult,
  DiffResult,
  DiscardResult,
  LogsResult,
  MergeResult,
  ModelsResult,
  PickResult,
  RetryResult,
  RunResult,
  TaskDetail,
  TaskResultsView,
  WaitResult,
  TaskSummary,
} from '../api/api-types.js';
import { changesText, costText, tokensText, verifyText } from '../core/bestof/comparison.js';
import { formatSeq } from '../core/ipc/ipc-protocol.js';
import { continuingMessage } from '../operations/continue-operation.js';
import { liveWorkerText } from '../operations/answer-operation.js';
import { isTerminal } from '../core/status/state-groups.js';
import { modelOnBackend } from '../core/backends/model-on-backend.js';

/** The short text each tool returns beside its structured output, for the host model to relay. */

function progress(task: TaskSummary): string {
  return `${task.progress.done}/${task.progress.total}`;
}

function questionLine(task: TaskSummary): string {
  const q = task.question;
  if (!q) return '';
  const seq = q.seq !== null ? ` ${formatSeq(q.seq)}` : '';
  const how = q.seq !== null ? `, seq ${q.seq}` : '';
  return `${task.id}: question${seq}: ${q.text}\n  answer with dispatch_answer (id "${task.id}"${how})`;
}

/** One line per task, the way `dispatch wait` reports what needs the user. */
export function describeAttention(task: TaskSummary): string {
  if (task.question) return questionLine(task);
  if (task.state === 'done')
    return `${task.id}: ${task.outcome ?? 'done'} (${progress(task)} items). Results: dispatch_show (id "${task.id}").`;
  if (task.state === 'verify-failed')
    return `${task.id}: verify-failed (${progress(task)} items)${task.reason ? `: ${task.reason}` : ''}\n  its output: verify.log in the task folder (dispatch_status) · send the worker back with it: dispatch_continue · merge anyway only if the user says so: dispatch_merge with force`;
  return `${task.id}: ${task.state} (${progress(task)} items)${task.reason ? `: ${task.reason}` : ''}\n  details: dispatch_status · start again: dispatch_retry`;
}

function oneRunText(result: RunResult): string {
  const via =
    result.modelVia === 'text'
      ? ' (named in the task)'
      : result.modelVia === 'default'
        ? ' (default)'
        : result.modelVia === 'capability'
          ? ` (by capability ${result.capability ?? ''})`
          : '';
  const verb = result.state === 'queued' ? 'Queued' : 'Dispatched';
  const lines = [
    `${verb} ${result.id} using ${modelOnBackend(result.model ?? '?', result.backend)}${via}. Plan:`,
  ];
  result.items.forEach((item, index) => lines.push(`  ${index + 1}. ${item}`));
  if (result.worktree)
    lines.push(
      `Worktree: ${result.worktree.path} (branch ${result.worktree.branch}); review with \`dispatch diff ${result.id}\`, bring in with \`dispatch merge ${result.id}\`.`,
    );
  if (result.state === 'queued')
    lines.push(`It starts when a slot is free${result.reason ? ` (${result.reason})` : ''}.`);
  else if (result.state === 'failed')
    lines.push(`The worker did not start: ${result.reason ?? ''}`);
  else
    lines.push(
      'The worker runs in the background. dispatch_wait returns when it asks a question or finishes.',
    );
  return lines.join('\n');
}

/** A run's text: each dispatched task in turn (several when a plan was fanned out). */
export function runText(result: { tasks: RunResult[] }): string {
  const group = result.tasks[0]?.bestOf?.group;
  if (group !== undefined)
    return [
      `Dispatched best of ${result.tasks.length}, group ${group}: ${result.tasks.map((task) => `${task.id} (${task.model ?? '?'})`).join(', ')}, each in a worktree of its own.`,
      `Call dispatch_wait with ids ["${group}"] to wait for all of them, then dispatch_compare (id "${group}") to show the user the runs side by side, and dispatch_pick once the user chose one.`,
    ].join('\n');
  const intro =
    result.tasks.length > 1 ? [`Dispatched ${result.tasks.length} tasks, one per section:`] : [];
  return [...intro, ...result.tasks.map(oneRunText)].join('\n\n');
}

export function statusText(task: TaskDetail): string {
  const lines = [
    `${task.id}: ${task.outcome ?? task.state}, ${progress(task)} items — ${task.title}`,
  ];
  if (task.verify)
    lines.push(
      `  verify: ${task.verify.command}: ${task.verify.step}, round ${task.verify.round} of ${task.verify.rounds}`,
    );
  if (task.progress.current && !isTerminal(task.state))
    lines.push(`  current: ${task.progress.current}`);
  if (task.question) lines.push(questionLine(task));
  for (const error of task.progress.errors) lines.push(`  [!] ${error.text}: ${error.description}`);
  if (task.reason && !task.question) lines.push(`  reason: ${task.reason}`);
  if (task.cause)
    lines.push(`  cause: ${task.cause.kind}: ${task.cause.evidence}\n  ${task.cause.advice}`);
  if (task.logTail && task.logTail.length > 0)
    lines.push('  log tail:', ...task.logTail.map((line) => `    ${line}`));
  if (task.alternatives && task.alternatives.length > 0)
    lines.push(`  installed models to retry with: ${task.alternatives.join(', ')}`);
  lines.push(`  plan: ${task.planFile}`);
  return lines.join('\n');
}

/** A task's results for the host model: the whole summary (the host relays what matters). */
export function showText(task: TaskResultsView): string {
  const lines = [`${task.id}: ${task.state}, ${progress(task)} items — ${task.title}`];
  for (const exchange of task.exchanges)
    lines.push(
      `  question${exchange.seq !== null ? ` ${formatSeq(exchange.seq)}` : ''}: ${exchange.question ?? '(left in the plan)'}\n  answer: ${exchange.answer ?? '(not answered)'}`,
    );
  if (task.usage)
    lines.push(
      `  usage: ${task.usage.inputTokens} tokens in, ${task.usage.outputTokens} out, ${task.usage.costUsd !== undefined ? `$${task.usage.costUsd.toFixed(4)}` : 'cost unknown'}`,
    );
  const tree = task.worktree;
  if (tree)
    lines.push(
      `  worktree: ${tree.path}, branch ${tree.branch}: ${tree.commitsAhead} commits ahead, ${tree.uncommitted.length} uncommitted files, ${tree.merged ? 'merged' : 'not merged (dispatch_diff, dispatch_merge, dispatch_discard)'}`,
    );
  const summary = task.summary;
  if (summary.text !== null && summary.text.trim() !== '')
    lines.push(
      `Summary (${summary.path})${summary.truncated ? ', first 64 KiB' : ''}:`,
      summary.text.trimEnd(),
    );
  else
    lines.push(
      summary.problem !== null
        ? `Summary ${summary.path} cannot be read: ${summary.problem}`
        : `No summary yet (${summary.path}).`,
    );
  return lines.join('\n');
}

export function listText(tasks: TaskSummary[]): string {
  if (tasks.length === 0) return 'No tasks yet. Start one with dispatch_run.';
  return tasks
    .map((task) => {
      const line = `${task.id}  ${task.state}  ${progress(task)}  ${task.title}`;
      return task.question ? `${line}\n  ${questionLine(task).replace(/\n/g, '\n  ')}` : line;
    })
    .join('\n');
}

/** Said of a new worker that waits for a slot under a parallel limit. */
function whenQueued(result: { id: string; state: string }): string {
  return result.state === 'queued' ? ' It starts when a slot is free (see dispatch_status).' : '';
}

export function answerText(result: AnswerResult): string {
  const which = result.seq !== null ? `question ${formatSeq(result.seq)}` : 'the blocked question';
  return result.resumed
    ? `Answered ${which} of ${result.id}; the earlier worker had stopped, so a new one continues with the answer.${whenQueued(result)}`
    : `Answered ${which} of ${result.id}; ${liveWorkerText(result)}`;
}

export function continueText(result: ContinueResult): string {
  return `${continuingMessage(result)}${whenQueued(result)}`;
}

export function retryText(result: RetryResult): string {
  return `Retrying ${result.id} (attempt ${result.attempt}) with ${result.model}.${whenQueued(result)}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function diffText(result: DiffResult): string {
  const { worktree } = result;
  const base = worktree.base.slice(0, 7);
  return [
    `${result.id}: branch ${worktree.branch} from ${base}, worktree ${result.present ? worktree.path : '(removed)'}`,
    `Committed on ${worktree.branch}: ${plural(result.commits.length, 'commit')}`,
    ...result.commits.map((commit) => `  ${commit}`),
    result.branchExists ? result.committed.trimEnd() || '(no changes)' : '(the branch is gone)',
    `Uncommitted in the worktree: ${plural(result.uncommittedFiles.length, 'file')} (dispatch_merge commits them first)`,
    result.present ? result.uncommitted.trimEnd() || '(none)' : '(the worktree is gone)',
  ].join('\n');
}

export function mergeText(result: MergeResult): string {
  const committed = result.committed
    ? ` The worker's uncommitted changes were first committed on ${result.branch} as ${result.committed.slice(0, 7)}.`
    : '';
  return result.outcome === 'up-to-date'
    ? `${result.into} already has everything on ${result.branch}.${committed}`
    : `Merged ${result.branch} into ${result.into} in ${result.repo}; HEAD is ${result.head.slice(0, 7)}.${committed}`;
}

export function discardText(result: DiscardResult): string {
  const lost = [
    result.lost.uncommitted > 0 ? plural(result.lost.uncommitted, 'uncommitted change') : '',
    result.lost.unmerged > 0 ? plural(result.lost.unmerged, 'unmerged commit') : '',
  ].filter(Boolean);
  const removed = result.path
    ? `Removed ${result.path} and branch ${result.branch}`
    : `Removed branch ${result.branch}`;
  const remote = result.remote;
  const there = !remote
    ? ''
    : remote.deleted
      ? ` Deleted it on ${remote.url} too.`
      : ` It is still on ${remote.url}: ${remote.error ?? 'git push failed'}.`;
  return `${removed}${lost.length > 0 ? `, with ${lost.join(' and ')}` : ''}.${there} The task's folder stays.`;
}

export function compareText(result: CompareResult): string {
  const lines = [`Best of ${result.of}, group ${result.group}: ${result.title}`];
  for (const run of result.runs)
    lines.push(
      `  ${run.index}. ${run.id} (${run.model ?? '?'}): verify ${verifyText(run)}, diff ${changesText(run.changes)} in ${run.changes?.files.length ?? '?'} files, ${run.elapsedMs !== null ? `${Math.round(run.elapsedMs / 1000)} s` : 'time unknown'}, tokens ${tokensText(run.tokens)}, cost ${costText(run.costUsd)}${run.merged ? ', merged' : ''}`,
    );
  if (!result.settled)
    lines.push(`Not every run has finished: dispatch_wait with ids ["${result.group}"].`);
  else if (!result.runs.some((run) => run.merged))
    lines.push(
      "Show the user this comparison (dispatch_diff shows a run's changes); dispatch_pick merges the run they choose and discards the others.",
    );
  return lines.join('\n');
}

export function pickText(result: PickResult): string {
  const lines = [`Picked ${result.picked} of ${result.group}. ${mergeText(result.merge)}`];
  for (const discarded of result.discarded) lines.push(discardText(discarded));
  for (const kept of result.kept) lines.push(`Kept ${kept.id}: ${kept.reason}`);
  return lines.join('\n');
}

export function cleanText(result: CleanResult): string {
  const lines = [
    result.removed.length === 0
      ? 'Nothing to remove.'
      : `${result.dryRun ? 'Would remove' : 'Removed'} ${plural(result.removed.length, 'finished task')}: ${result.removed.map((t) => t.id).join(', ')}.`,
  ];
  for (const task of result.kept) lines.push(`Kept ${task.id}: ${task.reason}.`);
  return lines.join('\n');
}

export function logsText(result: LogsResult): string {
  return result.lines.length > 0 ? result.lines.join('\n') : `${result.id} has no output yet.`;
}

export function waitText(result: WaitResult, timeoutSeconds: number): string {
  if (result.event === 'idle') return 'Nothing to wait for: no task is running or queued.';
  if (result.event === 'removed')
    return `${(result.removed ?? []).join(', ')}: the task's folder was deleted while waiting; no worker will report on it.`;
  if (result.event === 'timeout') {
    const tasks = result.tasks.map((t) => `${t.id} (${t.state}, ${progress(t)})`).join(', ');
    return `Nothing needed you within ${timeoutSeconds} s; still working: ${tasks || 'nothing'}. Call dispatch_wait again to keep waiting.`;
  }
  return result.tasks.map(describeAttention).join('\n');
}

export function modelsText(result: ModelsResult): string {
  const lines = [`config: ${result.configFile ?? 'none (only the simulated worker "sim")'}`];
  for (const model of result.models)
    lines.push(
      `  ${model.name} on ${model.backend}: ${model.ready ? 'ready' : `will not start: ${model.problem ?? 'unknown cause'}`}${model.isDefault ? ' (default)' : ''}`,
    );
  for (const alias of result.aliases)
    lines.push(`  ${alias.name} → ${alias.model}${alias.isDefault ? ' (default)' : ''}`);
  return lines.join('\n');
}
