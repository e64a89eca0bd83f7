import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { checkDecodedText, decodeText } from '../../core/text/decode-text.js';
import type { SplitMode } from '../../core/fanout/split-tasks.js';
import { PRIORITIES, type Priority } from '../../core/task/task-meta.js';
import {
  dispatchTasks,
  type DispatchRequest,
  type DispatchResult,
} from '../../runtime/tasks/dispatch-task.js';
import { TaskStore } from '../../runtime/store/task-store.js';
import { expandRequest } from '../../runtime/tasks/expand-request.js';
import { previewDispatch } from '../../runtime/tasks/preview-dispatch.js';
import { ensureSupervisor } from '../../runtime/supervisor/ensure-supervisor.js';
import type { CliContext } from '../cli-context.js';
import { dispatchedLines, previewLines } from '../format/dispatch-view.js';
import { statusJson } from '../format/status-json.js';

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
  queue?: string;
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

function parsePriority(value: string | undefined): Priority | undefined {
  if (value === undefined) return undefined;
  if ((PRIORITIES as readonly string[]).includes(value)) return value as Priority;
  throw new DispatchError(
    'usage',
    `--priority must be one of ${PRIORITIES.join(', ')}, not "${value}"`,
  );
}

function splitMode(options: RunOptions): SplitMode {
  if (options.single && options.split)
    throw new DispatchError('usage', '--single and --split contradict each other', {
      hint: 'Give one of them, or neither to let the plan decide (see docs/parallel-work.md).',
    });
  return options.single ? 'single' : options.split ? 'split' : 'auto';
}

function resultJson(ctx: CliContext, result: DispatchResult) {
  const { meta, choice, status, plan } = result;
  return {
    ...statusJson(status),
    backend: meta.backend,
    modelVia: result.candidates ? 'capability' : choice.via,
    alias: meta.alias ?? null,
    capability: meta.capability ?? null,
    worktree: meta.worktree ?? null,
    priority: meta.priority,
    after: meta.after,
    taskDir: ctx.store.files(meta.id).taskDir,
    planFile: ctx.store.files(meta.id).plan,
    items: plan.items.map((item) => item.text),
  };
}

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new DispatchError('usage', `${flag} takes a whole number of at least 1, not "${value}"`);
  return n;
}

/** Tasks for worker nodes (docs/nodes.md); the queue code loads only when a queue is given. */
async function dispatchQueued(
  ctx: CliContext,
  requests: DispatchRequest[],
  url: string,
): Promise<DispatchResult[]> {
  const { dispatchToQueue } = await import('../../runtime/nodes/queue-dispatch.js');
  // The relays and the supervisor this run starts inherit the URL, password included.
  const store = new TaskStore(ctx.store.root, { ...ctx.env, DISPATCH_QUEUE: url });
  const results: DispatchResult[] = [];
  for (const request of requests)
    results.push(await dispatchToQueue(store, ctx.config, request, url));
  ensureSupervisor(store);
  return results;
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
    .option('--dry-run', 'show what would be dispatched; start nothing, write nothing')
    .option('--single', 'one task, even if the plan or request looks like several')
    .option('--split', 'one task per top-level numbered entry, even without indented lines')
    .option('--queue <url>', 'run on a worker node of this Redis queue (or DISPATCH_QUEUE)')
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
  dispatch run --after build-api "Write the API docs"
  dispatch run --queue redis://queue-host:6379 "Review src/auth"   # on a worker node (docs/nodes.md)
  dispatch run --model sim --item "ask: Which database?" --item "Write output.md"   # simulated worker`,
    )
    .action(async (words: string[], options: RunOptions) => {
      const task = readTaskText(words);
      options.item.forEach((item, index) => checkDecodedText(item, `--item ${index + 1}`, 'usage'));
      const plan =
        options.planFile !== undefined ? readPlanFile(options.planFile, ctx.cwd) : undefined;
      if (!task && options.item.length === 0 && !plan) {
        throw new DispatchError('usage', 'nothing to dispatch', {
          hint: 'Give a task description, --item TEXT (repeatable) or --plan-file FILE. See dispatch run --help.',
        });
      }
      const requests = expandRequest(
        ctx.config,
        {
          task,
          items: options.item,
          planText: plan?.text,
          planSource: plan?.source,
          title: options.title,
          id: options.id,
          model: options.model,
          cwd: options.cwd !== undefined ? resolve(ctx.cwd, options.cwd) : undefined,
          priority: parsePriority(options.priority),
          after: options.after,
          maxParallel: parseCount(options.maxParallel, '--max-parallel'),
          worktree: options.worktree,
          capability: options.capability,
        },
        splitMode(options),
      );
      if (options.dryRun) {
        const previews = previewDispatch(ctx.store, ctx.config, requests);
        const shown = previews.map((preview) => ({ dryRun: true, ...preview }));
        if (options.json) ctx.json(shown.length === 1 ? shown[0] : shown);
        else ctx.out(previewLines(previews).join('\n'));
        return;
      }
      const queue = options.queue ?? ctx.env.DISPATCH_QUEUE;
      const results = queue
        ? await dispatchQueued(ctx, requests, queue)
        : dispatchTasks(ctx.store, ctx.config, requests);
      ensureSupervisor(ctx.store);
      if (options.json) {
        const shown = results.map((result) => resultJson(ctx, result));
        ctx.json(shown.length === 1 ? shown[0] : shown);
        return;
      }
      ctx.out(dispatchedLines(results, ctx.config).join('\n'));
    });
}
