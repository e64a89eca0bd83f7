import { validSessionId } from '../task/worker-session.js';
import type { EventRenderer, RenderState } from './backend.js';
import {
  addStep,
  count,
  flushText,
  oneLine,
  record,
  toolCall,
  toolOutput,
} from './render-helpers.js';
import { retryingLine } from './retrying.js';

/** `{"type":"system","subtype":"api_retry","attempt":3,"max_retries":10,"error_status":401,…}` */
function apiRetryLine(event: Record<string, unknown>): string {
  const status = event.error_status === undefined ? '' : `HTTP ${String(event.error_status)} `;
  return retryingLine('claude', `${status}${oneLine(event.error ?? 'request failed', 200)}`, {
    attempt: count(event.attempt),
    of: count(event.max_retries),
    delayMs: count(event.retry_delay_ms),
  });
}

/**
 * The tokens of one model response, as each `assistant` event carries them: the running usage
 * while the session goes on. A response split into several events (one per content block)
 * repeats its id and usage, so each id counts once, with its latest figures; the final `result`
 * replaces the sum with the session's total and its cost.
 */
function messageUsage(message: Record<string, unknown>, state: RenderState): void {
  const usage = record(message.usage);
  if (typeof message.id !== 'string' || message.usage === undefined) return;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const messages = (state.messages ??= new Map());
  messages.set(message.id, {
    inputTokens: count(usage.input_tokens) + cacheRead + cacheWrite,
    outputTokens: count(usage.output_tokens),
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  });
  state.steps = undefined;
  for (const step of messages.values()) addStep(state, step);
}

/**
 * Claude Code's `--output-format stream-json --verbose` events as text: the assistant's words,
 * its tool calls and their results, API errors, and the final result, whose usage and
 * total_cost_usd cover the whole session.
 */
export const claudeEvents: EventRenderer = {
  render(event, state) {
    const lines = flushText(state);
    const message = record(event.message);
    const blocks = Array.isArray(message.content) ? message.content.map(record) : [];
    switch (event.type) {
      case 'system':
        if (event.subtype === 'init') {
          state.session ??= validSessionId(event.session_id);
          lines.push(
            `[claude] session ${String(event.session_id ?? '?')}: model ${String(event.model ?? '?')}`,
          );
        }
        // Each failed request Claude Code retries (10 times by default, for minutes): the only
        // sign of a refused key or a rate limit until it gives up.
        if (event.subtype === 'api_retry') lines.push(apiRetryLine(event));
        break;
      case 'assistant': {
        messageUsage(message, state);
        const error = event.error !== undefined || event.is_api_error_message === true;
        for (const block of blocks) {
          if (block.type === 'text' && typeof block.text === 'string')
            lines.push(
              ...(error ? [`[claude] error: ${oneLine(block.text, 300)}`] : block.text.split('\n')),
            );
          if (block.type === 'tool_use') lines.push(toolCall(block.name, block.input));
        }
        break;
      }
      case 'user':
        for (const block of blocks) {
          if (block.type !== 'tool_result') continue;
          const content = Array.isArray(block.content)
            ? block.content.map((part) => String(record(part).text ?? '')).join('\n')
            : block.content;
          lines.push(...toolOutput(block.is_error ? `error: ${String(content)}` : content));
        }
        break;
      case 'result': {
        const usage = record(event.usage);
        const cacheRead = count(usage.cache_read_input_tokens);
        const cacheWrite = count(usage.cache_creation_input_tokens);
        state.total = {
          inputTokens: count(usage.input_tokens) + cacheRead + cacheWrite,
          outputTokens: count(usage.output_tokens),
          cacheReadTokens: cacheRead,
          cacheWriteTokens: cacheWrite,
          ...(typeof event.total_cost_usd === 'number' ? { costUsd: event.total_cost_usd } : {}),
        };
        const status = event.api_error_status ? ` (HTTP ${String(event.api_error_status)})` : '';
        // A run that never reached the model (a session it cannot resume) names why in `errors`.
        const why = event.result ?? (Array.isArray(event.errors) ? event.errors.join('; ') : '');
        lines.push(
          event.is_error
            ? `[claude] error: ${oneLine(why, 300)}${status}`
            : `[claude] finished after ${count(event.num_turns)} turns`,
        );
        break;
      }
    }
    return lines;
  },
};
