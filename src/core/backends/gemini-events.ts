import { validSessionId } from '../task/worker-session.js';
import type { EventRenderer } from './backend.js';
import { count, flushText, oneLine, record, toolCall, toolOutput } from './render-helpers.js';

/**
 * Gemini CLI's `--output-format stream-json` events as text: the model's streamed words, tool
 * calls and results, errors; the final `result` carries the session's token stats (no cost).
 * The user message (the whole worker prompt) is left out.
 */
export const geminiEvents: EventRenderer = {
  render(event, state) {
    if (event.type === 'message' && event.role === 'assistant') {
      state.text += String(event.content ?? '');
      if (!event.delta) state.text += '\n';
      return [];
    }
    const lines = flushText(state);
    switch (event.type) {
      case 'init':
        state.session ??= validSessionId(event.session_id);
        lines.push(
          `[gemini] session ${String(event.session_id ?? '?')}: model ${String(event.model ?? '?')}`,
        );
        break;
      case 'tool_use':
        lines.push(toolCall(event.tool_name, event.parameters));
        break;
      case 'tool_result':
        lines.push(
          ...toolOutput(
            event.status === 'error'
              ? `error: ${String(record(event.error).message ?? '')}`
              : event.output,
          ),
        );
        break;
      case 'error':
        lines.push(`[gemini] ${String(event.severity ?? 'error')}: ${oneLine(event.message, 300)}`);
        break;
      case 'result': {
        const stats = record(event.stats);
        if (event.stats !== undefined) {
          state.total = {
            inputTokens: count(stats.input_tokens),
            outputTokens: count(stats.output_tokens),
            cacheReadTokens: count(stats.cached),
          };
        }
        lines.push(
          event.status === 'error'
            ? `[gemini] error: ${oneLine(record(event.error).message, 300)}`
            : `[gemini] finished (${String(event.status ?? 'done')}, ${count(stats.tool_calls)} tool calls)`,
        );
        break;
      }
    }
    return lines;
  },
};
