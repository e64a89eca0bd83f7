import type { TokenUsage } from '../task/task-events.js';
import type { RenderState } from './backend.js';

/** Marks tool output in worker.log; failure classification skips these lines (they are the tool's). */
export const TOOL_OUTPUT = '  ↳ ';

/** One line of at most `max` characters. */
export function oneLine(text: unknown, max = 200): string {
  const flat = String(text ?? '')
    .replace(/\s*\r?\n\s*/g, ' ⏎ ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The first few lines of a tool's output, each marked as tool output. */
export function toolOutput(text: unknown, maxLines = 3): string[] {
  const lines = String(text ?? '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const shown = lines.slice(0, maxLines).map((line) => `${TOOL_OUTPUT}${oneLine(line)}`);
  if (lines.length > maxLines) shown.push(`${TOOL_OUTPUT}… ${lines.length - maxLines} more lines`);
  return shown;
}

/** "→ Bash: ls -a": a tool call with the argument that says most about it. */
export function toolCall(name: unknown, input: unknown): string {
  const args = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const key = ['command', 'cmd', 'file_path', 'filePath', 'path', 'pattern', 'url', 'query'].find(
    (candidate) => typeof args[candidate] === 'string',
  );
  return `→ ${String(name)}${key ? `: ${oneLine(args[key])}` : ''}`;
}

/** Text the CLI streamed in pieces, as complete lines, once another event or the end comes. */
export function flushText(state: RenderState): string[] {
  const text = state.text;
  state.text = '';
  return text.trim() ? text.replace(/\s+$/, '').split(/\r?\n/) : [];
}

/** A count from a CLI's JSON, or 0. */
export function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** Adds one step's usage to the steps reported so far. */
export function addStep(state: RenderState, step: TokenUsage): void {
  const sum = state.steps ?? { inputTokens: 0, outputTokens: 0 };
  sum.inputTokens += step.inputTokens;
  sum.outputTokens += step.outputTokens;
  for (const key of ['cacheReadTokens', 'cacheWriteTokens', 'costUsd'] as const) {
    if (step[key] !== undefined) sum[key] = (sum[key] ?? 0) + (step[key] as number);
  }
  state.steps = sum;
}

/** The usage of the attempt: the session total if the CLI gave one, else the sum of steps. */
export function attemptUsage(state: RenderState): TokenUsage | undefined {
  return state.total ?? state.steps;
}

export function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
