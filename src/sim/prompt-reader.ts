import { dirname, join, resolve } from 'node:path';
import { FEEDBACK_OUTPUT_LABEL } from '../core/verify/verify-feedback.js';

/**
 * What the simulated worker takes from its prompt. It reads only the text a real agent CLI would
 * get (see core/prompt/worker-prompt.ts), so the prompt alone must be enough to do the work.
 */
export interface PromptInfo {
  plan: string;
  ipc: string;
  output: string;
  context: string;
  /** How long to wait for an answer before the fallback. */
  fallbackSeconds: number;
  /**
   * The commands the prompt offers for the `dispatch ask` shortcut, to try in order: `dispatch`
   * from the PATH, then the full path it names. Empty when it offers none.
   */
  dispatchAsk: string[];
  /** The exit status with which `dispatch ask` says to run it again, if the prompt names one. */
  askAgainCode: number | undefined;
  title: string | undefined;
  taskId: string | undefined;
  /** Set for a task resumed after the fallback with the user's answer. */
  resume: { question: string | undefined; answer: string } | undefined;
  /** The end of a failed verify command's output, when the worker was sent back with it. */
  verifyFeedback: string | undefined;
}

/** The fallback wait of the original protocol (~3 minutes) when the prompt names none. */
export const DEFAULT_FALLBACK_SECONDS = 180;

const FALLBACK =
  /If no answer comes within (\d+(?:\.\d+)?|\.\d+)\s*(seconds?|secs?|s|minutes?|mins?|m)\b/i;
const TASK_LINE = /^Task: (.*) \(id ([^()\s]+)\)[ \t]*$/m;
const DISPATCH_ASK = /run `dispatch ask\b/;
const DISPATCH_FULL_PATH = /if `dispatch` is not found, run `('(?:[^']|'\\'')*'|\S+) ask\b/;
const ASK_AGAIN = /Exit status (\d+) means no answer yet/;
const RESUME_START = 'This task was started by an earlier worker';

/** The text after `Label: ` on the first line that starts with it. */
export function labelledLine(text: string, label: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(`${label}: `)) return line.slice(label.length + 2).trim() || undefined;
  }
  return undefined;
}

export function readFallbackSeconds(text: string): number {
  const match = FALLBACK.exec(text);
  if (!match) return DEFAULT_FALLBACK_SECONDS;
  const amount = Number(match[1]);
  return /^m/i.test(match[2] ?? '') ? amount * 60 : amount;
}

/**
 * The answer and question of a resume prompt. Only the resume section is searched (the user's
 * request comes earlier and may contain anything), and both may span several lines.
 */
export function readResume(text: string): PromptInfo['resume'] {
  const start = text.indexOf(RESUME_START);
  if (start < 0) return undefined;
  const section = text.slice(start);
  const answer = quotedBlock(section, 'The user answered:');
  if (answer === undefined) return undefined;
  return {
    question: quotedBlock(section, 'The earlier worker asked:')?.trim(),
    answer: answer.trim(),
  };
}

/**
 * What the message that resumes a session says is new (core/prompt/session-message.ts): the
 * user's answer, or new instructions for a finished task.
 */
export function readSessionMessage(text: string): {
  answer: { question: string | undefined; answer: string } | undefined;
  instructions: string | undefined;
  verifyFeedback: string | undefined;
} {
  const answer = quotedBlock(text, 'The user answered:');
  return {
    answer:
      answer === undefined
        ? undefined
        : {
            question: quotedBlock(text, 'The earlier worker asked:')?.trim(),
            answer: answer.trim(),
          },
    instructions: quotedBlock(text, 'New instructions from the user:')?.trim(),
    verifyFeedback: quotedBlock(text, FEEDBACK_OUTPUT_LABEL),
  };
}

/** The text between "<<<" and ">>>" lines right after a label line. */
function quotedBlock(text: string, label: string): string | undefined {
  const opening = `\n${label}\n<<<\n`;
  const from = text.indexOf(opening);
  if (from < 0) return undefined;
  const rest = text.slice(from + opening.length);
  const to = rest.indexOf('\n>>>');
  return to < 0 ? undefined : rest.slice(0, to);
}

/** Returns undefined when the prompt names no plan file: the worker cannot do anything then. */
export function readPrompt(text: string, cwd: string): PromptInfo | undefined {
  const planLine = labelledLine(text, 'Plan file');
  if (!planLine) return undefined;
  const plan = resolve(cwd, planLine);
  const taskDir = dirname(plan);
  const path = (label: string, fallback: string): string => {
    const value = labelledLine(text, label);
    return value ? resolve(cwd, value) : fallback;
  };
  const task = TASK_LINE.exec(text);
  return {
    plan,
    ipc: path('IPC folder', join(taskDir, 'ipc')),
    output: path('Output file', join(taskDir, 'output.md')),
    context: path('Context file', join(taskDir, 'context.md')),
    fallbackSeconds: readFallbackSeconds(text),
    dispatchAsk: readDispatchAsk(text),
    askAgainCode: readAskAgainCode(text),
    title: task?.[1]?.trim(),
    taskId: task?.[2],
    resume: readResume(text),
    verifyFeedback: quotedBlock(text, FEEDBACK_OUTPUT_LABEL),
  };
}

function readAskAgainCode(text: string): number | undefined {
  const match = ASK_AGAIN.exec(text);
  return match ? Number(match[1]) : undefined;
}

function readDispatchAsk(text: string): string[] {
  if (!DISPATCH_ASK.test(text)) return [];
  const fullPath = DISPATCH_FULL_PATH.exec(text)?.[1];
  if (!fullPath) return ['dispatch'];
  // The path is quoted for sh when it has to be: 'it'\''s here' stands for it's here.
  const unquoted = fullPath.startsWith("'")
    ? fullPath.slice(1, -1).replace(/'\\''/g, "'")
    : fullPath;
  return ['dispatch', unquoted];
}
