import { existsSync, readFileSync } from 'node:fs';
import type { Plan } from '../core/plan/plan-types.js';
import { parseDirective } from './directives.js';
import { finish } from './finish.js';
import { BANNER, complain, say } from './log.js';
import type { Outcome } from './outcome.js';
import { markItem, readPlanFile, refOf } from './plan-file.js';
import type { ItemRef } from './plan-file.js';
import { readPrompt, readSessionMessage } from './prompt-reader.js';
import {
  announceSession,
  loadSession,
  newSession,
  saveSession,
  type SimSession,
} from './sim-session.js';
import { applyResumeAnswer, applyVerifyFeedback } from './resume.js';
import { runItem } from './run-item.js';
import type { SimState } from './sim-state.js';
import { stepMsFromEnv } from './sim-state.js';

/**
 * The simulated worker: a stand-in for an agent CLI such as `claude -p`. It reads only its
 * prompt (see promptText) and works the plan
 * by the directives at the start of each item. Exit codes: 0 done or stopped at the fallback,
 * 1 an item failed, 2 unusable prompt, 3 (or chosen) `crash`, 70 internal error, 143 SIGTERM.
 */
const EXIT_BAD_PROMPT = 2;
export const EXIT_INTERNAL = 70;

function showNewNotes(plan: Plan, state: SimState): void {
  for (const note of plan.notes) {
    if (state.notesSeen.has(note.text)) continue;
    state.notesSeen.add(note.text);
    say(`saw note: ${note.text}`);
  }
}

/** Writes the item's new marker; false when the item has vanished from the plan. */
function recordOutcome(plan: string, ref: ItemRef, step: string, outcome: Outcome): boolean {
  if (outcome.kind === 'done') return markItem(plan, ref, 'done');
  if (outcome.kind !== 'error') return true;
  say(`item ${step} failed: ${outcome.reason}`);
  return markItem(plan, ref, 'error', outcome.reason);
}

/**
 * The prompt: the last argument, or else standard input (how dispatch passes it, since any user
 * can read a process's arguments). Earlier arguments such as `--model x` are ignored.
 */
function promptText(argv: string[]): string {
  const last = argv[argv.length - 1];
  if (last) return last;
  if (process.stdin.isTTY) return '';
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The session this run continues (`--resume ID`, the message on standard input) or starts (the
 * prompt); undefined, with the reason printed, when there is nothing to work from.
 */
function openSession(argv: string[]): { session: SimSession; message?: string } | undefined {
  const resume = argv.indexOf('--resume');
  if (resume >= 0) {
    const id = argv[resume + 1] ?? '';
    const session = loadSession(id);
    if (!session) {
      complain(`no simulated session ${id || '(none named)'} to resume`);
      return undefined;
    }
    return { session, message: promptText([]) };
  }
  const text = promptText(withoutFormat(argv));
  if (!text) {
    complain('no prompt: pass the worker prompt on standard input or as the last argument');
    return undefined;
  }
  return { session: newSession(text) };
}

/** `--format json` (or `--format=json`) among the options before the prompt. */
function jsonFormat(argv: string[]): boolean {
  return argv.some(
    (word, index) =>
      word === '--format=json' || (word === '--format' && argv[index + 1] === 'json'),
  );
}

/** The arguments without `--format json`, whose `json` is no prompt. */
function withoutFormat(argv: string[]): string[] {
  const at = argv.indexOf('--format');
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  return rest.filter((word) => word !== '--format=json');
}

/** Works the plan its prompt names; resolves with the exit status. */
export async function runSimWorker(argv: string[], controller: AbortController): Promise<number> {
  const opened = openSession(argv);
  if (!opened) return EXIT_BAD_PROMPT;
  const { session, message } = opened;
  const text = session.prompt;
  const prompt = readPrompt(text, process.cwd());
  if (!prompt) {
    complain('the prompt has no "Plan file: <path>" line, so the plan cannot be found');
    return EXIT_BAD_PROMPT;
  }
  process.stdout.write(`${BANNER}\n`);
  if (!existsSync(prompt.plan)) {
    complain(`plan file not found: ${prompt.plan} (named by the "Plan file:" line of the prompt)`);
    return EXIT_BAD_PROMPT;
  }
  const state: SimState = {
    prompt,
    answers: session.answers,
    notesSeen: new Set(),
    stepMs: stepMsFromEnv(process.env.DISPATCH_SIM_STEP_MS),
    signal: controller.signal,
    fixing: false,
    jsonEvents: jsonFormat(argv),
  };
  saveSession(session);
  announceSession(session, process.env);
  if (message !== undefined) {
    say(
      `resumed session ${session.id}: it still has its first prompt and ${session.answers.length} answer(s)`,
    );
    const told = readSessionMessage(message);
    if (told.answer) applyResumeAnswer(state, told.answer.answer, told.answer.question);
    if (told.instructions !== undefined)
      say(`continued with new instructions: ${told.instructions}`);
    if (told.verifyFeedback !== undefined) await applyVerifyFeedback(state, told.verifyFeedback);
  } else {
    if (prompt.resume) applyResumeAnswer(state, prompt.resume.answer, prompt.resume.question);
    if (prompt.verifyFeedback !== undefined)
      await applyVerifyFeedback(state, prompt.verifyFeedback);
  }
  try {
    return await workThePlan(state);
  } finally {
    // What it learned stays in the session for the next resume.
    saveSession(session);
  }
}

async function workThePlan(state: SimState): Promise<number> {
  const { prompt } = state;

  for (;;) {
    // Fresh from disk before every item: notes appended meanwhile are seen, never dropped.
    const plan = readPlanFile(prompt.plan);
    showNewNotes(plan, state);
    const item = plan.items.find((candidate) => candidate.marker === 'pending');
    if (!item) return finish(plan, state);
    const step = `${item.index + 1}/${plan.items.length}`;
    const ref = refOf(item);
    say(`item ${step}: ${item.text}`);
    const outcome = await runItem(state, ref, step, parseDirective(item.text));
    if (outcome.kind === 'exit') return outcome.code;
    if (outcome.kind === 'stopped') return 0;
    if (!recordOutcome(prompt.plan, ref, step, outcome)) {
      say(`item ${step} is no longer in the plan; moving on`);
    }
  }
}
