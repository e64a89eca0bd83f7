import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { PRIORITIES, type Priority } from '../../core/task/task-meta.js';
import { dispatchTask } from '../../runtime/tasks/dispatch-task.js';
import { ensureSupervisor } from '../../runtime/supervisor/ensure-supervisor.js';
import type { CliContext } from '../cli-context.js';
import { statusJson } from '../format/status-json.js';
import { paint } from '../format/style.js';

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
}

const collect = (value: string, previous: string[]) => [...previous, value];

function readPlanFile(path: string, cwd: string): { text: string; source: string } {
  if (path === '-') return { text: readFileSync(0, 'utf8'), source: 'the plan on standard input' };
  const full = resolve(cwd, path);
  try {
    return { text: readFileSync(full, 'utf8'), source: full };
  } catch (error) {
    throw new DispatchError(
      'usage',
      `cannot read plan file ${full}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: 'Give an existing markdown file with a checklist, or - to read it from standard input.',
      },
    );
  }
}

function parsePriority(value: string | undefined): Priority | undefined {
  if (value === undefined) return undefined;
  if ((PRIORITIES as readonly string[]).includes(value)) return value as Priority;
  throw new DispatchError(
    'usage',
    `--priority must be one of ${PRIORITIES.join(', ')}, not "${value}"`,
  );
}

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new DispatchError('usage', `${flag} takes a whole number of at least 1, not "${value}"`);
  return n;
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
    .option('--json', 'print one JSON object')
    .addHelpText(
      'after',
      `
Examples:
  dispatch run "Review src/auth for security issues and write findings to output.md"
  dispatch run --model sonnet --item "Add input validation to login.ts" --item "Write tests for it"
  dispatch run --plan-file plan.md --model opus
  dispatch run --model sim --item "ask: Which database?" --item "Write output.md"   # simulated worker`,
    )
    .action((words: string[], options: RunOptions) => {
      const task =
        words.length > 0
          ? words.length === 1 && words[0] === '-'
            ? readFileSync(0, 'utf8')
            : words.join(' ')
          : undefined;
      const plan =
        options.planFile !== undefined ? readPlanFile(options.planFile, ctx.cwd) : undefined;
      if (!task && options.item.length === 0 && !plan) {
        throw new DispatchError('usage', 'nothing to dispatch', {
          hint: 'Give a task description, --item TEXT (repeatable) or --plan-file FILE. See dispatch run --help.',
        });
      }
      const result = dispatchTask(ctx.store, ctx.config, {
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
      });
      ensureSupervisor(ctx.store);
      const { meta, plan: parsed, choice, status } = result;
      if (options.json) {
        ctx.json({
          ...statusJson(status),
          backend: meta.backend,
          modelVia: choice.via,
          taskDir: ctx.store.files(meta.id).taskDir,
          planFile: ctx.store.files(meta.id).plan,
          items: parsed.items.map((item) => item.text),
        });
        return;
      }
      const started = status.state === 'queued' ? paint('Queued', 'yellow') : 'Dispatched';
      const via =
        choice.via === 'text'
          ? ' (named in the task)'
          : choice.via === 'default'
            ? ' (default)'
            : '';
      const lines = [
        `${started} ${paint(meta.id, 'bold')} using ${meta.model}${via} on ${meta.backend}. Plan:`,
      ];
      parsed.items.forEach((item, index) => lines.push(`  ${index + 1}. ${item.text}`));
      if (status.state === 'queued')
        lines.push(`It starts when a slot is free: dispatch status ${meta.id}`);
      else if (status.state === 'failed')
        lines.push(paint(`The worker did not start: ${status.reason ?? ''}`, 'red'));
      else
        lines.push(
          `Worker started (pid ${status.pid}). Follow it: dispatch status ${meta.id} · dispatch wait ${meta.id}`,
        );
      if (ctx.config.format === 'builtin' && meta.backendType === 'sim') {
        lines.push(
          paint(
            'No config file: using the simulated worker. Run `dispatch init` to use claude, agent, codex or gemini.',
            'dim',
          ),
        );
      }
      ctx.out(lines.join('\n'));
    });
}
