import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RunResult } from '../api/api-types.js';
import type { Dispatcher } from '../api/dispatcher.js';
import {
  answerInputShape,
  cancelInputShape,
  compareInputShape,
  continueInputShape,
  diffInputShape,
  discardInputShape,
  cleanInputShape,
  logsInputShape,
  mergeInputShape,
  noteInputShape,
  pickInputShape,
  retryInputShape,
  runInputShape,
  showInputShape,
  statusInputShape,
  waitInputShape,
} from './input-schemas.js';
import {
  answerOutput,
  cancelOutput,
  compareOutput,
  continueOutput,
  diffOutput,
  discardOutput,
  cleanOutput,
  listOutput,
  logsOutput,
  mergeOutput,
  modelsOutput,
  noteOutput,
  pickOutput,
  retryOutput,
  runOutput,
  showOutput,
  statusOutput,
  waitOutput,
} from './output-schemas.js';
import { keepAliveWithProgress } from './progress-keepalive.js';
import { toolError } from './tool-errors.js';
import {
  answerText,
  compareText,
  continueText,
  diffText,
  discardText,
  cleanText,
  listText,
  logsText,
  mergeText,
  modelsText,
  pickText,
  retryText,
  runText,
  showText,
  statusText,
  waitText,
} from './tool-text.js';

const DEFAULT_WAIT_SECONDS = 50;

/** Runs one operation and turns its result into text plus structured output, or a tool error. */
async function respond<T extends object>(
  work: () => Promise<T>,
  text: (value: T) => string,
): Promise<CallToolResult> {
  try {
    const value = await work();
    return {
      content: [{ type: 'text', text: text(value) }],
      structuredContent: value as unknown as Record<string, unknown>,
    };
  } catch (error) {
    return toolError(error);
  }
}

const READ_ONLY = { readOnlyHint: true, openWorldHint: false } as const;

/** The tools: one per dispatch operation, each a thin call into the library API. */
export function registerDispatchTools(server: McpServer, dispatcher: Dispatcher): void {
  server.registerTool(
    'dispatch_run',
    {
      title: 'Dispatch a task',
      description:
        'Hand a task to a background AI worker with a checklist plan and return at once. Give items (or a whole plan) plus the task text as context. When the project has a check (its tests, a build, a linter), pass it as verify so the task ends done-verified or verify-failed rather than only claimed done by the worker, and iterate to send the worker back with the failing output. To try it with two models, pass bestOf 2 with models [a, b] (and verify), then dispatch_compare and dispatch_pick. Then call dispatch_wait to learn when the worker asks a question or finishes.',
      inputSchema: runInputShape,
      outputSchema: runOutput,
      annotations: { openWorldHint: true },
    },
    ({ plan, ...args }) =>
      respond(async () => {
        const result = await dispatcher.run({
          ...args,
          planText: plan,
          planSource: plan !== undefined ? 'the plan argument' : undefined,
        });
        const tasks = Array.isArray(result) ? result : [result];
        return { ...(tasks[0] as RunResult), tasks };
      }, runText),
  );

  server.registerTool(
    'dispatch_status',
    {
      title: 'Status of a task',
      description:
        'One task in detail: state, progress, current item, pending question; after a failure also the cause, the log tail and installed models to retry with.',
      inputSchema: statusInputShape,
      outputSchema: statusOutput,
      annotations: READ_ONLY,
    },
    ({ id }) => respond(() => dispatcher.status(id), statusText),
  );

  server.registerTool(
    'dispatch_show',
    {
      title: 'What a task produced',
      description:
        "A task's results: the worker's summary (output.md) and its path, every question with its answer, tokens and cost, and for a worktree task its branch, commits ahead, uncommitted files and whether it is merged. Call it when dispatch_wait reports a task done.",
      inputSchema: showInputShape,
      outputSchema: showOutput,
      annotations: READ_ONLY,
    },
    ({ id }) => respond(() => dispatcher.show(id), showText),
  );

  server.registerTool(
    'dispatch_list',
    {
      title: 'Status of all tasks',
      description: 'Every task with its state and progress, pending questions first.',
      outputSchema: listOutput,
      annotations: READ_ONLY,
    },
    () =>
      respond(
        async () => ({ tasks: await dispatcher.status() }),
        ({ tasks }) => listText(tasks),
      ),
  );

  server.registerTool(
    'dispatch_wait',
    {
      title: 'Wait for the next event',
      description:
        'Block until a worker asks a question or a task finishes, fails or stops (event "attention", with those tasks), or until the timeout (event "timeout": call again). Returns at once if something already needs you.',
      inputSchema: waitInputShape,
      outputSchema: waitOutput,
      annotations: READ_ONLY,
    },
    async ({ ids, timeoutSeconds }, extra) => {
      const seconds = timeoutSeconds ?? DEFAULT_WAIT_SECONDS;
      const stop = keepAliveWithProgress(extra, 'waiting for a question or a finished task');
      try {
        return await respond(
          () => dispatcher.wait({ ids, timeoutMs: seconds * 1000, signal: extra.signal }),
          (result) => waitText(result, seconds),
        );
      } finally {
        stop();
      }
    },
  );

  server.registerTool(
    'dispatch_answer',
    {
      title: "Answer a worker's question",
      description:
        "Pass the user's answer to a worker's pending question; the worker continues with its context. Answers are final once written.",
      inputSchema: answerInputShape,
      outputSchema: answerOutput,
      annotations: { destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ id, text, seq }) => respond(() => dispatcher.answer(id, text, { seq }), answerText),
  );

  server.registerTool(
    'dispatch_note',
    {
      title: 'Add context to a running task',
      description:
        "Append a note to the task's plan; the worker reads it before its next item. Use it for context, not for answering questions.",
      inputSchema: noteInputShape,
      outputSchema: noteOutput,
      annotations: { destructiveHint: false, openWorldHint: false },
    },
    ({ id, text }) =>
      respond(
        () => dispatcher.note(id, text),
        (result) => `Added a note to ${result.id}'s plan.`,
      ),
  );

  server.registerTool(
    'dispatch_cancel',
    {
      title: 'Cancel a task',
      description:
        'Stop the worker and everything it started (SIGTERM, then SIGKILL after 3 s). The task and its files stay; dispatch_retry starts it again.',
      inputSchema: cancelInputShape,
      outputSchema: cancelOutput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    ({ id, reason }) =>
      respond(
        () => dispatcher.cancel(id, { reason }),
        (result) =>
          `Cancelled ${result.id}${result.killed ? ' (the worker ignored SIGTERM and was killed)' : ''}.`,
      ),
  );

  server.registerTool(
    'dispatch_retry',
    {
      title: 'Retry a task',
      description:
        'Start a failed, timed-out, cancelled or blocked task again where it stopped (done items stay done), optionally with another model.',
      inputSchema: retryInputShape,
      outputSchema: retryOutput,
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    ({ id, model }) => respond(() => dispatcher.retry(id, { model }), retryText),
  );

  server.registerTool(
    'dispatch_continue',
    {
      title: 'Continue a finished task',
      description:
        "Give a done, failed or cancelled task new instructions (optionally new plan items). The worker CLI resumes its own session, so the model keeps what it read and did (Claude Code, Codex, Gemini CLI, opencode); otherwise a new worker gets the plan and context.md. Runs in the task's worktree if it had one. Follow it with dispatch_wait.",
      inputSchema: continueInputShape,
      outputSchema: continueOutput,
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    ({ id, instructions, items }) =>
      respond(() => dispatcher.continue(id, instructions, { items }), continueText),
  );

  server.registerTool(
    'dispatch_diff',
    {
      title: "Show a worktree task's changes",
      description:
        'For a task dispatched with worktree: the commits on its branch dispatch/<id> and what the worker left uncommitted in its worktree (new files included). Changes nothing.',
      inputSchema: diffInputShape,
      outputSchema: diffOutput,
      annotations: READ_ONLY,
    },
    ({ id, stat }) => respond(() => dispatcher.diff(id, { stat }), diffText),
  );

  server.registerTool(
    'dispatch_merge',
    {
      title: "Merge a worktree task's branch",
      description:
        "Merge a finished worktree task's branch into the project's current branch, committing what the worker left uncommitted first. On conflicts it stops and names the files; the repository is left as git leaves it. A task that failed its verify command (outcome verify-failed) is refused unless force is set: show the user its verify.log and ask first.",
      inputSchema: mergeInputShape,
      outputSchema: mergeOutput,
      annotations: { destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ id, force }) => respond(() => dispatcher.merge(id, { force }), mergeText),
  );

  server.registerTool(
    'dispatch_discard',
    {
      title: "Delete a worktree task's worktree and branch",
      description:
        "Remove a finished worktree task's worktree and branch; the task's folder stays. Refuses when they hold work that exists nowhere else, unless yes is set: ask the user first.",
      inputSchema: discardInputShape,
      outputSchema: discardOutput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    ({ id, yes }) => respond(() => dispatcher.discard(id, { yes }), discardText),
  );

  server.registerTool(
    'dispatch_compare',
    {
      title: 'Compare the runs of a best-of task',
      description:
        'For a task dispatched with bestOf: its runs side by side, each with its verify result, lines added and removed, files touched, time, tokens and cost (null when the CLI reported none: unknown, not free). Show it to the user so they can choose one for dispatch_pick. Changes nothing.',
      inputSchema: compareInputShape,
      outputSchema: compareOutput,
      annotations: READ_ONLY,
    },
    ({ id }) => respond(() => dispatcher.compare(id), compareText),
  );

  server.registerTool(
    'dispatch_pick',
    {
      title: 'Keep one run of a best-of task',
      description:
        "Merge the chosen run of a best-of group into the project's current branch (as dispatch_merge) and remove the other runs' worktrees and branches (as dispatch_discard). A run that failed its verify command is refused unless force is set, and the other runs' unmerged work is deleted only with yes: ask the user first. Without yes, nothing is merged when there is work to lose.",
      inputSchema: pickInputShape,
      outputSchema: pickOutput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    ({ id, child, force, yes }) =>
      respond(() => dispatcher.pick(id, child, { force, yes }), pickText),
  );

  server.registerTool(
    'dispatch_clean',
    {
      title: 'Remove finished tasks',
      description:
        'Remove finished tasks (done, failed, timed out, cancelled) older than olderThanMinutes (default 7 days), or all of them with allFinished, with their worktrees and branches. Never a task that runs or waits. dryRun shows what would go. A worktree holding unmerged work is kept unless yes is set: ask the user first.',
      inputSchema: cleanInputShape,
      outputSchema: cleanOutput,
      annotations: { destructiveHint: true, openWorldHint: false },
    },
    (input) => respond(() => dispatcher.clean(input), cleanText),
  );

  server.registerTool(
    'dispatch_logs',
    {
      title: "Read a worker's output",
      description: "The last lines of the worker's standard output and error.",
      inputSchema: logsInputShape,
      outputSchema: logsOutput,
      annotations: READ_ONLY,
    },
    ({ id, lines }) => respond(() => dispatcher.logs(id, { lines }), logsText),
  );

  server.registerTool(
    'dispatch_models',
    {
      title: 'Configured models',
      description:
        'The models and aliases a task can run with, whether each CLI is installed, and the default. Confirm the default with the user when the request names no model.',
      outputSchema: modelsOutput,
      annotations: READ_ONLY,
    },
    () => respond(() => dispatcher.models(), modelsText),
  );
}
