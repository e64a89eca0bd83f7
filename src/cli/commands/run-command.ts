import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { checkDecodedText, decodeText } from '../../core/text/decode-text.js';
import { perform } from '../../operations/define-operation.js';
import { runOperation, type RunRequest } from '../../operations/run-operation.js';
import { numberFlag, type CliContext } from '../cli-context.js';
import { dispatchedLines, previewLines } from '../format/dispatch-view.js';

interface RunOptions {
  model?: string;
  item: string[];
  planFile?: string;
  title?: string;
  id?: string;
  cwd?: string;
  json?: boolean;
  priority?: string;
  after: string[];
  maxParallel?: string;
  worktree?: boolean;
  capability?: string;
  dryRun?: boolean;
  single?: boolean;
  split?: boolean;
  /** A URL, or false for --no-queue. */
  queue?: string | false;
  verify?: string;
  verifyTimeout?: string;
  iterate?: string;
  bestOf?: string;
  models?: string;
  maxCost?: string;
  maxTokens?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function readPlanFile(path: string, cwd: string): { text: string; source: string } {
  if (path === '-') {
    const source = 'the plan on standard input';
    return { text: decodeText(readFileSync(0), source, 'usage'), source };
  }
  const full = resolve(cwd, path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(full);
  } catch (error) {
    throw new DispatchError(
      'usage',
      `cannot read plan file ${full}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'Give an existing markdown file with a checklist, or - to read it from standard input.',
      },
    );
  }
  return { text: decodeText(bytes, full, 'usage', { isFile: true }), source: full };
}

/** The task text from the words given, or from standard input for `-`; always UTF-8 text. */
function readTaskText(words: string[]): string | undefined {
  if (words.length === 0) return undefined;
  if (words.length === 1 && words[0] === '-')
    return decodeText(readFileSync(0), 'the task on standard input', 'usage');
  const text = words.join(' ');
  checkDecodedText(text, 'the task text', 'usage');
  return text;
}

function splitMode(options: RunOptions): RunRequest['split'] {
  if (options.single && options.split)
    throw new DispatchError('usage', '--single and --split contradict each other', {
      hint: 'Give one of them, or neither to let the plan decide (see docs/parallel-work.md).',
    });
  return options.single ? 'single' : options.split ? 'split' : 'auto';
}

/** The flags, mapped onto the run operation's fields. */
function runRequest(words: string[], options: RunOptions, cwd: string): RunRequest {
  const task = readTaskText(words);
  options.item.forEach((item, index) => checkDecodedText(item, `--item ${index + 1}`, 'usage'));
  const plan = options.planFile !== undefined ? readPlanFile(options.planFile, cwd) : undefined;
  return {
    task,
    items: options.item,
    planText: plan?.text,
    planSource: plan?.source,
    title: options.title,
    id: options.id,
    model: options.model,
    cwd: options.cwd,
    priority: options.priority as RunRequest['priority'],
    after: options.after,
    maxParallel: numberFlag(options.maxParallel),
    worktree: options.worktree,
    capability: options.capability,
    split: splitMode(options),
    queue: options.queue === false ? undefined : options.queue,
    local: options.queue === false ? true : undefined,
    dryRun: options.dryRun,
    verify: options.verify,
    verifyTimeoutMinutes: numberFlag(options.verifyTimeout),
    iterate: numberFlag(options.iterate),
    bestOf: numberFlag(options.bestOf),
    models: options.models?.split(','),
    maxCostUsd: numberFlag(options.maxCost),
    maxTokens: numberFlag(options.maxTokens),
  };
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .summary('dispatch a task to a background worker and return at once')
    .description(
      "Write a checklist plan, start a background worker on it, and return at once.\nWith only a task description, the plan's first item asks the worker to expand it into concrete steps.",
    )
    .argument('[task...]', 'what to do, in words (quote it, or - to read it from standard input)')
    .option(
      '-m, --model <name>',
      'model or alias from the config (default: named in the task, else the config default)',
    )
    .option('-i, --item <text>', 'a checklist item (repeat for several)', collect, [])
    .option(
      '-p, --plan-file <file>',
      'use this markdown checklist as the plan (- for standard input)',
    )
    .option('-t, --title <title>', 'the plan title (default: from the plan or the task)')
    .option('--id <id>', 'task id (default: kebab-case of the title, made unique)')
    .option('-C, --cwd <dir>', 'folder the worker runs in (default: the project folder)')
    .option('--priority <level>', 'high, normal or low: queued tasks start by priority')
    .option('--after <id>', 'start only when this task is done (repeat for several)', collect, [])
    .option('--max-parallel <n>', 'start only while fewer than N tasks of this folder run')
    .option('-w, --worktree', 'run in a new git worktree on branch dispatch/<id>')
    .option('--no-worktree', 'never a worktree, even if the task text asks for one')
    .option('--capability <name>', 'let the scheduler pick an alias with this capability')
    .option(
      '--verify <command>',
      "check the work when the worker is done: run COMMAND (sh -c) in the task's folder or worktree; exit 0 = done-verified, else verify-failed (docs/verify.md)",
    )
    .option(
      '--verify-timeout <minutes>',
      'stop the verify command after this long, counted as failed (default: verify_timeout_minutes, else 10)',
    )
    .option(
      '--iterate <n>',
      'on a failed verify, send the worker back with the end of its output, up to N times',
    )
    .option(
      '--best-of <n>',
      'run the task N times at once, each in its own worktree (ids <id>.1 … <id>.N); then dispatch compare ID and dispatch pick ID N',
    )
    .option(
      '--models <a,b,…>',
      'with --best-of: the models of the runs, in order, repeated when fewer than N',
    )
    .option(
      '--max-cost <usd>',
      'stop the worker and fail the task once it has cost more than USD dollars (CLIs that report cost only)',
    )
    .option(
      '--max-tokens <n>',
      'stop the worker and fail the task once it has used more than N tokens',
    )
    .option('--dry-run', 'show what would be dispatched; start nothing, write nothing')
    .option('--single', 'one task, even if the plan or request looks like several')
    .option('--split', 'one task per top-level numbered entry, even without indented lines')
    .option(
      '--queue <url>',
      'run on a worker node of this Redis queue (default: DISPATCH_QUEUE, else `queue:` in the config)',
    )
    .option('--no-queue', 'run on this machine even when a queue is configured')
    .option('--json', 'print JSON (an array when several tasks are dispatched)')
    .addHelpText(
      'after',
      `
A plan file (or request) with several "# " sections, or with top-level numbered entries that each
have indented lines under them, is fanned out: one task per section, each with its own plan, and
the model and "in a worktree" it names. See docs/parallel-work.md.

Examples:
  dispatch run "Review src/auth for security issues and write findings to output.md"
  dispatch run --model sonnet --item "Add input validation to login.ts" --item "Write tests for it"
  dispatch run --plan-file plan.md --model opus
  dispatch run --plan-file sprint.md --dry-run                 # several tasks? see them first
  dispatch run --worktree "Refactor the parser"                # then: dispatch diff/merge ID
  dispatch run --capability research --priority high "Compare async frameworks"
  dispatch run --worktree --verify "npm test" --iterate 2 "Fix the failing date parser"
  dispatch run --best-of 2 --models sonnet,codex --verify "npm test" "Fix the date parser"
  dispatch run --after build-api "Write the API docs"
  dispatch run --queue redis://queue-host:6379 "Review src/auth"   # on a worker node (docs/nodes.md)
  dispatch run --model sim --item "ask: Which database?" --item "Write output.md"   # simulated worker`,
    )
    .action(async (words: string[], options: RunOptions) => {
      const outcome = await perform(runOperation, ctx.ops, runRequest(words, options, ctx.cwd));
      if (options.dryRun) {
        if (options.json)
          ctx.json(outcome.previews.length === 1 ? outcome.previews[0] : outcome.previews);
        else ctx.out(previewLines(outcome.previews).join('\n'));
        return;
      }
      for (const warning of outcome.warnings ?? []) ctx.err(`dispatch: warning: ${warning}`);
      if (options.json) ctx.json(outcome.tasks.length === 1 ? outcome.tasks[0] : outcome.tasks);
      else ctx.out(dispatchedLines(outcome).join('\n'));
    });
}
